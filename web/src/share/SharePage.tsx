import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { ApiError, describeFailure } from '../api/apiError.js';
import type { SharedImage } from '../api/apiTypes.js';
import { formatDate } from '../format.js';
import { createSharedPageApi } from './sharedPageApi.js';

type Phase =
  | { name: 'loading' }
  | { name: 'password'; problem: string | null; busy: boolean }
  | { name: 'shown'; image: SharedImage }
  | { name: 'gone' }
  | { name: 'failed'; message: string };

export interface SharePageProps {
  token: string;
  /** Origin (and path) in front of `/api`; empty means the page's own origin. */
  apiBaseUrl: string;
}

/** Adds a `<meta>` to the document head while the page is shown. */
function useMetaTag(name: string, content: string): void {
  useEffect(() => {
    const meta = document.createElement('meta');
    meta.name = name;
    meta.content = content;
    document.head.append(meta);
    return () => meta.remove();
  }, [name, content]);
}

/**
 * The page a share link opens (`/s/{token}`), for anyone, phone or desktop: the cut-out's preview on a
 * checkerboard, its title, a download button when the owner allows it, the password form when the link
 * has one. It shows nothing else of the image or its owner. The token stays in the URL, so the page
 * sends no Referer and asks not to be indexed (the server says so in headers as well).
 */
export function SharePage({ token, apiBaseUrl }: SharePageProps) {
  const api = useMemo(() => createSharedPageApi(apiBaseUrl, token), [apiBaseUrl, token]);
  const [phase, setPhase] = useState<Phase>({ name: 'loading' });
  const [password, setPassword] = useState('');
  const id = useId();
  useMetaTag('robots', 'noindex, nofollow');
  useMetaTag('referrer', 'no-referrer');

  // The unlock grant of this visit, to open the page data again when the file links have expired.
  const unlockGrant = useRef<string | undefined>(undefined);
  const show = useCallback(
    async (access?: string): Promise<SharedImage | undefined> => {
      try {
        const image = await api.open(access);
        unlockGrant.current = access;
        document.title = `${image.title} — detour`;
        setPhase({ name: 'shown', image });
        return image;
      } catch (failure) {
        if (failure instanceof ApiError && failure.code === 'password_required') setPhase({ name: 'password', problem: null, busy: false });
        else if (failure instanceof ApiError && failure.code === 'not_found') setPhase({ name: 'gone' });
        else setPhase({ name: 'failed', message: describeFailure(failure) });
        return undefined;
      }
    },
    [api],
  );

  // Each opening counts a view: once per token, though development's StrictMode runs effects twice.
  const openedFor = useRef<string | null>(null);
  useEffect(() => {
    if (openedFor.current === token) return;
    openedFor.current = token;
    void show();
  }, [token, show]);

  const unlock = async () => {
    setPhase({ name: 'password', problem: null, busy: true });
    try {
      const { access } = await api.unlock(password);
      setPassword('');
      await show(access);
    } catch (failure) {
      setPhase({ name: 'password', problem: describeFailure(failure), busy: false });
    }
  };

  // The file links work 15 minutes: a download after that opens the page data again first (a new view).
  const linksExpired = (image: SharedImage) => Date.now() >= Date.parse(image.urlsExpireAt) - 5_000;
  const downloadAgain = async () => {
    const fresh = await show(unlockGrant.current);
    if (fresh?.urls.download) window.location.assign(api.fileUrl(fresh.urls.download));
  };

  return (
    <main className="share-page">
      {phase.name === 'loading' && <p aria-busy="true">Opening the shared image…</p>}
      {phase.name === 'gone' && (
        <p role="alert" className="error">
          This link does not work: it may have expired or been revoked.
        </p>
      )}
      {phase.name === 'failed' && (
        <p role="alert" className="error">
          {phase.message}
        </p>
      )}
      {phase.name === 'password' && (
        <form
          className="share-password"
          onSubmit={(event) => {
            event.preventDefault();
            void unlock();
          }}
        >
          <h1>This image is protected</h1>
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="off"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <button type="submit" disabled={phase.busy}>
            Open
          </button>
          {phase.problem && (
            <p role="alert" className="error">
              {phase.problem}
            </p>
          )}
        </form>
      )}
      {phase.name === 'shown' && (
        <figure className="share-figure">
          <figcaption>
            <h1>{phase.image.title}</h1>
          </figcaption>
          <div className="checkerboard share-image">
            <img src={api.fileUrl(phase.image.urls.preview)} alt={phase.image.title} referrerPolicy="no-referrer" />
          </div>
          {phase.image.urls.download && (
            <a
              className="button"
              href={api.fileUrl(phase.image.urls.download)}
              download
              rel="noreferrer"
              onClick={(event) => {
                if (!linksExpired(phase.image)) return;
                event.preventDefault();
                void downloadAgain();
              }}
            >
              Download PNG
            </a>
          )}
          <p className="hint">This link works until {formatDate(phase.image.expiresAt)}.</p>
        </figure>
      )}
    </main>
  );
}
