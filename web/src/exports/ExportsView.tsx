import { useCallback, useEffect, useId, useState } from 'react';
import type { ApiClient } from '../api/apiClient.js';
import type { ExportResource, GalleryDownloadVariant } from '../api/apiTypes.js';
import { galleryFilterFields, narrowsGallery, type GalleryFilters } from '../api/galleryQuery.js';
import { formatBytes, formatDate } from '../format.js';
import { useAction } from '../useAction.js';
import { ActionStatus } from '../ActionStatus.js';

/** How often the list is read again while an export is queued or running. */
const POLL_MS = 1500;

const STATUS_LABELS: Record<ExportResource['status'], string> = {
  queued: 'Queued',
  running: 'Writing',
  ready: 'Ready',
  failed: 'Failed',
  expired: 'Expired',
};

const VARIANTS: { value: GalleryDownloadVariant; label: string }[] = [
  { value: 'processed', label: 'Cut-outs' },
  { value: 'original', label: 'Originals' },
  { value: 'both', label: 'Both' },
];

export interface ExportsViewProps {
  api: Pick<ApiClient, 'listExports' | 'createExport' | 'deleteExport'>;
  /** The gallery's filters when the person left it: an export can take them. */
  filters: GalleryFilters;
}

function inProgress(item: ExportResource): boolean {
  return item.status === 'queued' || item.status === 'running';
}

/** The signed-in person's gallery exports: start one (everything or the gallery's filter), follow it, download or delete it. */
export function ExportsView({ api, filters }: ExportsViewProps) {
  const [exports, setExports] = useState<ExportResource[] | null>(null);
  const [variant, setVariant] = useState<GalleryDownloadVariant>('processed');
  const { busy, error, message, setMessage, run } = useAction();
  const id = useId();

  const reload = useCallback(() => run(async () => setExports(await api.listExports())), [api, run]);
  useEffect(() => void reload(), [reload]);

  // Follow a running export until it settles; polling stops by itself once none is running.
  const running = exports?.some(inProgress) ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => {
      api.listExports().then(setExports, () => undefined);
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [api, running, exports]);

  const start = (filter: Record<string, string> | undefined) =>
    run(async () => {
      await api.createExport(filter, variant);
      setExports(await api.listExports());
      setMessage('Export started: it is written in the background, you may leave this page.');
    });

  const remove = (item: ExportResource) =>
    run(async () => {
      await api.deleteExport(item.id);
      setExports(await api.listExports());
      setMessage(inProgress(item) ? 'Export cancelled.' : 'Export deleted.');
    });

  const filtered = narrowsGallery(filters);

  return (
    <section className="exports" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Exports</h2>
      <p className="hint">
        An export writes your images to one ZIP in the background; it can be downloaded for a day, and anything left out is listed in it (
        <code>MANIFEST.txt</code>).
      </p>
      <div className="export-start">
        <label htmlFor={`${id}-variant`}>Files</label>
        <select id={`${id}-variant`} value={variant} onChange={(event) => setVariant(event.target.value as GalleryDownloadVariant)}>
          {VARIANTS.map((each) => (
            <option key={each.value} value={each.value}>
              {each.label}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void start(undefined)} disabled={busy || running}>
          Export the whole gallery
        </button>
        <button
          type="button"
          onClick={() => void start(galleryFilterFields(filters))}
          disabled={busy || running || !filtered}
          title={filtered ? undefined : 'Filter the gallery first'}
        >
          Export the gallery’s current filter
        </button>
      </div>
      {exports && exports.length === 0 && <p>No exports yet.</p>}
      {exports && exports.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Left out</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {exports.map((item) => (
              <tr key={item.id}>
                <td>{formatDate(item.createdAt)}</td>
                <td>
                  {STATUS_LABELS[item.status]}
                  {item.error && <span className="error"> — {item.error}</span>}
                </td>
                <td>
                  <progress
                    value={item.progress.done}
                    max={Math.max(item.progress.total, 1)}
                    aria-label={`${item.progress.done} of ${item.progress.total} files`}
                  />{' '}
                  {item.progress.done} / {item.progress.total} · {formatBytes(item.progress.bytes)}
                </td>
                <td>{item.skippedCount}</td>
                <td>
                  {item.url && (
                    <a className="button" href={item.url} download>
                      Download
                    </a>
                  )}{' '}
                  <button type="button" onClick={() => void remove(item)} disabled={busy}>
                    {inProgress(item) ? 'Cancel' : 'Delete'}
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
