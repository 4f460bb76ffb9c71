import { useCallback, useEffect, useId, useState } from 'react';
import type { ApiClient } from '../api/apiClient.js';
import type { ApiKeyResource, ApiKeyScope, CreatedApiKey } from '../api/apiTypes.js';
import { formatDate } from '../format.js';
import { useAction } from '../useAction.js';
import { ActionStatus } from '../ActionStatus.js';

/** Every scope a key can have (typed by the API's list, so a new scope cannot be forgotten here). */
const SCOPE_LABELS: Record<ApiKeyScope, string> = {
  'images:read': 'Read images',
  'images:write': 'Change and delete images',
  uploads: 'Upload',
  shares: 'Share links',
};
const SCOPES = Object.keys(SCOPE_LABELS) as ApiKeyScope[];

const LIFETIMES = [
  { days: 0, label: 'Never' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
];

export interface ApiKeysPanelProps {
  api: Pick<ApiClient, 'listApiKeys' | 'createApiKey' | 'revokeApiKey'>;
}

/** Keys for the signed-in person's scripts: create one (its secret shown and copyable once), list them, revoke one. */
export function ApiKeysPanel({ api }: ApiKeysPanelProps) {
  const [keys, setKeys] = useState<ApiKeyResource[] | null>(null);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(SCOPES);
  const [days, setDays] = useState(0);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const { busy, error, message, setMessage, run } = useAction();
  const id = useId();

  const reload = useCallback(() => run(async () => setKeys(await api.listApiKeys())), [api, run]);
  useEffect(() => void reload(), [reload]);

  const create = () =>
    run(async () => {
      const key = await api.createApiKey({ name: name.trim(), scopes, ...(days > 0 ? { expiresInDays: days } : {}) });
      setCreated(key);
      setName('');
      setKeys(await api.listApiKeys());
    });

  const revoke = (key: ApiKeyResource) =>
    run(async () => {
      await api.revokeApiKey(key.id);
      if (created?.id === key.id) setCreated(null);
      setKeys(await api.listApiKeys());
      setMessage(`The key “${key.name}” has stopped working.`);
    });

  const copy = () =>
    run(async () => {
      if (!created) return;
      await navigator.clipboard.writeText(created.key);
      setMessage('Key copied.');
    });

  const toggleScope = (scope: ApiKeyScope, on: boolean) =>
    setScopes((current) => SCOPES.filter((each) => (each === scope ? on : current.includes(each))));

  return (
    <section className="api-keys" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>API keys</h2>
      <p className="hint">
        A key lets a script call the API as you: send it as <code>Authorization: Bearer dtr_…</code>.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <label htmlFor={`${id}-name`}>Key name</label>
        <input id={`${id}-name`} value={name} maxLength={100} required onChange={(event) => setName(event.target.value)} />
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.map((scope) => (
            <label key={scope}>
              <input type="checkbox" checked={scopes.includes(scope)} onChange={(event) => toggleScope(scope, event.target.checked)} />
              {SCOPE_LABELS[scope]} (<code>{scope}</code>)
            </label>
          ))}
        </fieldset>
        <label htmlFor={`${id}-expires`}>Expires</label>
        <select id={`${id}-expires`} value={days} onChange={(event) => setDays(Number(event.target.value))}>
          {LIFETIMES.map((lifetime) => (
            <option key={lifetime.days} value={lifetime.days}>
              {lifetime.label}
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy || name.trim() === '' || scopes.length === 0}>
          Create key
        </button>
      </form>
      {created && (
        <div className="new-api-key">
          <label htmlFor={`${id}-key`}>New key “{created.name}”</label>
          <input id={`${id}-key`} readOnly value={created.key} onFocus={(event) => event.target.select()} />
          <button type="button" onClick={() => void copy()} disabled={busy}>
            Copy key
          </button>
          <button type="button" onClick={() => setCreated(null)}>
            Done
          </button>
          <p className="hint">Copy it now: it is shown only once, and detour keeps only its hash.</p>
        </div>
      )}
      {keys && keys.length === 0 && <p>No keys yet.</p>}
      {keys && keys.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td>{key.scopes.join(', ')}</td>
                <td>{formatDate(key.createdAt)}</td>
                <td>{key.expiresAt ? formatDate(key.expiresAt) : 'Never'}</td>
                <td>{key.lastUsedAt ? formatDate(key.lastUsedAt) : 'Never'}</td>
                <td>
                  <button type="button" onClick={() => void revoke(key)} disabled={busy} aria-label={`Revoke ${key.name}`}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ActionStatus message={message} error={error} />
    </section>
  );
}
