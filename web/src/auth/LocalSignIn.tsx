import { useId, useState, type FormEvent } from 'react';
import { describeFailure } from '../api/apiError.js';
import { USER_ID_PATTERN } from '../../../shared/auth/userIdPattern.js';
import { recentUserIds, requestLocalToken, type LocalSession } from './localSession.js';

export interface LocalSignInProps {
  onSignedIn: (session: LocalSession) => void;
  /** Why the person is here again (for example an expired token). */
  notice?: string | null;
}

/** Sign-in for local use: pick a recent user name or type one; the devhost signs a local token for it. */
export function LocalSignIn({ onSignedIn, notice }: LocalSignInProps) {
  const [userId, setUserId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const recent = recentUserIds();
  const inputId = useId();
  const hintId = useId();

  async function signIn(name: string) {
    const trimmed = name.trim();
    if (!USER_ID_PATTERN.test(trimmed)) {
      setError('A user name is 1 to 128 letters, digits or . _ @ | - (no spaces).');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSignedIn({ userId: trimmed, token: await requestLocalToken(trimmed) });
    } catch (failure) {
      setError(describeFailure(failure));
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void signIn(userId);
  }

  return (
    <main className="sign-in">
      <h1>detour</h1>
      <p>Your background-removal history. Local sign-in: no password, for trying the product on this machine.</p>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <form onSubmit={submit} aria-busy={busy}>
        <label htmlFor={inputId}>User name</label>
        <input
          id={inputId}
          name="userId"
          value={userId}
          onChange={(event) => setUserId(event.target.value)}
          autoComplete="username"
          aria-describedby={hintId}
          required
          maxLength={128}
        />
        <p id={hintId} className="hint">
          Letters, digits and . _ @ | - ; each name has its own gallery.
        </p>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {recent.length > 0 && (
        <section aria-label="Recent users">
          <h2>Recent</h2>
          <ul className="recent-users">
            {recent.map((name) => (
              <li key={name}>
                <button type="button" disabled={busy} onClick={() => void signIn(name)}>
                  {name}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </main>
  );
}
