import { useCallback, useEffect, useId, useState } from 'react';
import type { ApiClient } from '../api/apiClient.js';
import type { ShareLinkSummary } from '../api/apiTypes.js';
import { useAction } from '../useAction.js';
import { ShareLinkTable } from './ShareLinkTable.js';
import { ActionStatus } from '../ActionStatus.js';

export interface SharedLinksViewProps {
  api: Pick<ApiClient, 'listShareLinks' | 'revokeShareLink' | 'revokeAllShareLinks'>;
}

/** Every share link of the signed-in person, newest first, 50 at a time: their use, revoke one, revoke all. */
export function SharedLinksView({ api }: SharedLinksViewProps) {
  const [links, setLinks] = useState<ShareLinkSummary[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const { busy, error, message, setMessage, run } = useAction();
  const id = useId();

  const reload = useCallback(
    () =>
      run(async () => {
        const page = await api.listShareLinks();
        setLinks(page.links);
        setNextCursor(page.nextCursor);
      }),
    [api, run],
  );
  useEffect(() => void reload(), [reload]);

  const more = () =>
    run(async () => {
      if (!nextCursor) return;
      const page = await api.listShareLinks(nextCursor);
      setLinks((current) => [...(current ?? []), ...page.links]);
      setNextCursor(page.nextCursor);
    });

  const revoke = (linkId: string) =>
    run(async () => {
      await api.revokeShareLink(linkId);
      // Only this row changed; the pages already shown keep their place.
      setLinks((current) => current?.map((link) => (link.id === linkId ? { ...link, status: 'revoked' } : link)) ?? null);
      setMessage('That link has stopped working.');
    });

  const revokeAll = () => {
    if (!window.confirm('Revoke every share link of every image? Nobody will be able to open them again.')) return;
    void run(async () => {
      const { revoked } = await api.revokeAllShareLinks();
      const page = await api.listShareLinks();
      setLinks(page.links);
      setNextCursor(page.nextCursor);
      setMessage(`${revoked} link${revoked === 1 ? '' : 's'} stopped working.`);
    });
  };

  return (
    <section className="shared-links-view" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Shared links</h2>
      {links === null && busy && <p aria-busy="true">Loading your links…</p>}
      {links?.length === 0 && <p className="hint">You have not shared any image yet: open one and use Share.</p>}
      {links && links.length > 0 && (
        <>
          <ShareLinkTable
            links={links}
            busy={busy}
            onRevoke={(linkId) => void revoke(linkId)}
            caption="Your share links, newest first"
            showImage
          />
          {nextCursor && (
            <button type="button" onClick={() => void more()} disabled={busy}>
              Show more
            </button>
          )}
          <button type="button" className="danger" onClick={revokeAll} disabled={busy}>
            Revoke all links
          </button>
        </>
      )}
      <ActionStatus message={message} error={error} />
    </section>
  );
}
