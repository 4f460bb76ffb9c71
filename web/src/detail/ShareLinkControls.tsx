import { useCallback, useEffect, useId, useState } from 'react';
import type { ApiClient } from '../api/apiClient.js';
import type { ShareLink, ShareLinkSummary } from '../api/apiTypes.js';
import { formatDate } from '../format.js';
import { ShareLinkTable } from '../share/ShareLinkTable.js';
import { useAction } from '../useAction.js';
import { ActionStatus } from '../ActionStatus.js';

const LIFETIMES = [
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '1 day' },
  { hours: 168, label: '7 days' },
  { hours: 720, label: '30 days' },
];

export interface ShareLinkControlsProps {
  api: Pick<ApiClient, 'createShareLink' | 'listImageShareLinks' | 'revokeShareLink' | 'revokeShareLinks'>;
  imageId: string;
  title: string;
}

/**
 * Share one image: a link with a lifetime, an optional password, downloads allowed or not and an
 * optional number of views (shown once, copyable: the API keeps only its hash); the image's links with
 * their counts, each revocable, or all at once.
 */
export function ShareLinkControls({ api, imageId, title }: ShareLinkControlsProps) {
  const [hours, setHours] = useState(24);
  const [password, setPassword] = useState('');
  const [allowDownload, setAllowDownload] = useState(true);
  const [maxViews, setMaxViews] = useState('');
  const [link, setLink] = useState<ShareLink | null>(null);
  const [links, setLinks] = useState<ShareLinkSummary[] | null>(null);
  const { busy, error, message, setMessage, run } = useAction();
  const id = useId();

  const reload = useCallback(() => run(async () => setLinks((await api.listImageShareLinks(imageId)).links)), [api, imageId, run]);
  useEffect(() => void reload(), [reload]);

  const create = () =>
    run(async () => {
      setLink(
        await api.createShareLink(imageId, {
          expiresInHours: hours,
          allowDownload,
          ...(password !== '' && { password }),
          ...(maxViews !== '' && { maxViews: Number(maxViews) }),
        }),
      );
      setPassword('');
      setLinks((await api.listImageShareLinks(imageId)).links);
    });

  const revoke = (linkId: string) =>
    run(async () => {
      await api.revokeShareLink(linkId);
      if (link?.id === linkId) setLink(null);
      setLinks((await api.listImageShareLinks(imageId)).links);
      setMessage('That link has stopped working.');
    });

  const revokeAll = () =>
    run(async () => {
      await api.revokeShareLinks(imageId);
      setLink(null);
      setLinks((await api.listImageShareLinks(imageId)).links);
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
      <form
        className="share-options"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <label htmlFor={`${id}-hours`}>Link works for</label>
        <select id={`${id}-hours`} value={hours} onChange={(event) => setHours(Number(event.target.value))}>
          {LIFETIMES.map((lifetime) => (
            <option key={lifetime.hours} value={lifetime.hours}>
              {lifetime.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-password`}>Password (optional)</label>
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="new-password"
          minLength={4}
          maxLength={200}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <label htmlFor={`${id}-views`}>Views allowed (optional)</label>
        <input
          id={`${id}-views`}
          type="number"
          min={1}
          max={1_000_000}
          step={1}
          value={maxViews}
          onChange={(event) => setMaxViews(event.target.value)}
        />
        <label className="inline">
          <input type="checkbox" checked={allowDownload} onChange={(event) => setAllowDownload(event.target.checked)} /> Allow download
        </label>
        <button type="submit" disabled={busy}>
          Create share link
        </button>
      </form>
      {link && (
        <div className="share-link">
          <label htmlFor={`${id}-url`}>Share link for {title}</label>
          <input id={`${id}-url`} readOnly value={link.url} onFocus={(event) => event.target.select()} />
          <button type="button" onClick={() => void copy()} disabled={busy}>
            Copy link
          </button>
          <p className="hint">
            Works until {formatDate(link.expiresAt)}
            {link.hasPassword && ', with its password'}
            {link.maxViews !== null && `, for ${link.maxViews} view${link.maxViews === 1 ? '' : 's'}`}
            {!link.allowDownload && ', preview only'}. It is shown only now.
          </p>
        </div>
      )}
      {links && links.length > 0 && (
        <>
          <ShareLinkTable links={links} busy={busy} onRevoke={(linkId) => void revoke(linkId)} caption={`Links of ${title}`} />
          <button type="button" className="danger" onClick={() => void revokeAll()} disabled={busy}>
            Revoke all links
          </button>
        </>
      )}
      <ActionStatus message={message} error={error} />
    </section>
  );
}
