import { useId, useState } from 'react';
import type { ApiClient } from '../api/apiClient.js';
import type { ShareLink } from '../api/apiTypes.js';
import { formatDate } from '../format.js';
import { useAction } from '../useAction.js';

const LIFETIMES = [
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '1 day' },
  { hours: 168, label: '7 days' },
];

export interface ShareLinkControlsProps {
  api: ApiClient;
  imageId: string;
  title: string;
}

/** Create a share link (shown once: the API keeps only its hash), copy it, or revoke every link of the image. */
export function ShareLinkControls({ api, imageId, title }: ShareLinkControlsProps) {
  const [hours, setHours] = useState(24);
  const [link, setLink] = useState<ShareLink | null>(null);
  const { busy, error, message, setMessage, run } = useAction();
  const id = useId();

  const create = () =>
    run(async () => {
      setLink(await api.createShareLink(imageId, hours));
    });

  const revoke = () =>
    run(async () => {
      await api.revokeShareLinks(imageId);
      setLink(null);
      setMessage('Every share link of this image has stopped working.');
    });

  const copy = () =>
    run(async () => {
      if (!link) return;
      await navigator.clipboard.writeText(link.url);
      setMessage('Link copied.');
    });

  return (
    <section className="share" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Share</h3>
      <label htmlFor={`${id}-hours`}>Link works for</label>
      <select id={`${id}-hours`} value={hours} onChange={(event) => setHours(Number(event.target.value))}>
        {LIFETIMES.map((lifetime) => (
          <option key={lifetime.hours} value={lifetime.hours}>
            {lifetime.label}
          </option>
        ))}
      </select>
      <button type="button" onClick={() => void create()} disabled={busy}>
        Create share link
      </button>
      <button type="button" onClick={() => void revoke()} disabled={busy}>
        Revoke all links
      </button>
      {link && (
        <div className="share-link">
          <label htmlFor={`${id}-url`}>Share link for {title}</label>
          <input id={`${id}-url`} readOnly value={link.url} onFocus={(event) => event.target.select()} />
          <button type="button" onClick={() => void copy()} disabled={busy}>
            Copy link
          </button>
          <p className="hint">Works until {formatDate(link.expiresAt)}. It is shown only now.</p>
        </div>
      )}
      {message && <p role="status">{message}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
