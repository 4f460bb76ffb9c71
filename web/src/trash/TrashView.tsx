import { useCallback, useEffect, useId, useState } from 'react';
import type { ApiClient } from '../api/apiClient.js';
import { describeFailure } from '../api/apiError.js';
import type { TrashedImage, Usage } from '../api/apiTypes.js';
import { formatBytes, STATUS_LABELS } from '../format.js';
import { useAction } from '../useAction.js';
import { daysLeftLabel } from './daysLeft.js';

export interface TrashViewProps {
  /** The API, signed in as the person whose trash this is. */
  api: ApiClient;
}

const PAGE_SIZE = 48;

const imagesLabel = (count: number) => `${count} image${count === 1 ? '' : 's'}`;

/**
 * *Recently deleted*: the images deleted from the gallery, each with the days left before it goes for
 * good; restore one or all of them, delete one for good, or empty the trash (both asked for confirmation).
 */
export function TrashView({ api }: TrashViewProps) {
  const [items, setItems] = useState<TrashedImage[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [trash, setTrash] = useState<Usage['trash'] | null>(null);
  const action = useAction();
  const headingId = useId();

  const refreshSummary = useCallback(() => {
    api.getUsage().then(
      (usage) => setTrash(usage.trash),
      () => setTrash(null),
    );
  }, [api]);

  const loadPage = useCallback(
    async (cursor?: string) => {
      setLoading(true);
      setLoadError(null);
      try {
        const page = await api.listTrash({ cursor, limit: PAGE_SIZE });
        setItems((current) => (cursor ? [...current, ...page.items] : page.items));
        setNextCursor(page.nextCursor);
      } catch (failure) {
        setLoadError(describeFailure(failure));
      } finally {
        setLoading(false);
      }
    },
    [api],
  );

  const reload = useCallback(() => {
    refreshSummary();
    void loadPage();
  }, [refreshSummary, loadPage]);
  useEffect(reload, [reload]);

  const forget = (id: string) => {
    setItems((current) => current.filter((image) => image.id !== id));
    refreshSummary();
  };

  const restore = (image: TrashedImage) =>
    void action.run(async () => {
      await api.restoreFromTrash([image.id]);
      forget(image.id);
      action.setMessage(`“${image.title}” is back in the gallery.`);
    });

  const deleteForGood = (image: TrashedImage) => {
    if (!window.confirm(`Delete “${image.title}” and its files for good? This cannot be undone.`)) return;
    void action.run(async () => {
      await api.deleteFromTrash([image.id]);
      forget(image.id);
      action.setMessage(`“${image.title}” was deleted for good.`);
    });
  };

  const restoreAll = () => {
    if (!window.confirm('Put every image of Recently deleted back in the gallery?')) return;
    void action.run(async () => {
      const { restored } = await api.restoreWholeTrash();
      reload();
      action.setMessage(`${imagesLabel(restored)} back in the gallery.`);
    });
  };

  const emptyTrash = () => {
    if (!window.confirm('Delete every image of Recently deleted and its files for good? This cannot be undone.')) return;
    void action.run(async () => {
      const { deleting } = await api.emptyTrash();
      reload();
      action.setMessage(`${imagesLabel(deleting)} deleted for good.`);
    });
  };

  const now = new Date();
  const empty = !loading && !loadError && items.length === 0;

  return (
    <section className="trash" aria-labelledby={headingId}>
      <h2 id={headingId}>Recently deleted</h2>
      <p>
        Images you delete wait here, still counted in your storage, until the day shown; then they and their files are deleted for good.
      </p>
      <div className="bulk-actions" role="toolbar" aria-label="Recently deleted">
        <span aria-live="polite">{trash ? `${imagesLabel(trash.images)}, ${formatBytes(trash.bytes)}` : ''}</span>
        <button type="button" onClick={restoreAll} disabled={action.busy || empty}>
          Restore all
        </button>
        <button type="button" className="danger" onClick={emptyTrash} disabled={action.busy || empty}>
          Empty trash
        </button>
      </div>
      {action.message && <p role="status">{action.message}</p>}
      {action.error && (
        <p role="alert" className="error">
          {action.error}
        </p>
      )}
      <ul className="image-grid" aria-label="Deleted images" aria-busy={loading}>
        {items.map((image) => (
          <li key={image.id} className="image-card">
            <div className="image-open">
              {image.urls.thumbnail ? (
                <img
                  src={image.urls.thumbnail}
                  alt={`Cut-out of ${image.title}`}
                  loading="lazy"
                  decoding="async"
                  width={200}
                  height={200}
                />
              ) : (
                <span className={`status-placeholder status-${image.status}`}>{STATUS_LABELS[image.status]}</span>
              )}
            </div>
            <div className="image-caption">
              <span className="image-title" title={image.originalName}>
                {image.title}
              </span>
              <span className="status-badge">{daysLeftLabel(image.purgeAt, now)}</span>
            </div>
            <div className="trash-actions">
              <button type="button" onClick={() => restore(image)} disabled={action.busy} aria-label={`Restore ${image.title}`}>
                Restore
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => deleteForGood(image)}
                disabled={action.busy}
                aria-label={`Delete ${image.title} for good`}
              >
                Delete for good
              </button>
            </div>
          </li>
        ))}
      </ul>
      {empty && <p className="empty">Recently deleted is empty.</p>}
      {loadError && (
        <p role="alert" className="error">
          Could not load Recently deleted: {loadError}
        </p>
      )}
      {loading && <p role="status">Loading…</p>}
      {!loading && (nextCursor || loadError) && (
        <button type="button" onClick={() => void loadPage(nextCursor ?? undefined)}>
          {loadError ? 'Try again' : 'Load more'}
        </button>
      )}
    </section>
  );
}
