import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ApiClient } from '../api/apiClient.js';
import { describeFailure } from '../api/apiError.js';
import type { GalleryDownloadVariant, ImageResource, Usage } from '../api/apiTypes.js';
import { narrowsGallery, NO_FILTERS, type GalleryFilters } from '../api/galleryQuery.js';
import { ImageDetail } from '../detail/ImageDetail.js';
import { saveFile } from '../saveFile.js';
import { useAction } from '../useAction.js';
import { UploadPanel } from '../upload/UploadPanel.js';
import { useUploads } from '../upload/useUploads.js';
import { BulkActionBar, MAX_IDS_PER_REQUEST } from './BulkActionBar.js';
import { GalleryToolbar } from './GalleryToolbar.js';
import { ImageCard } from './ImageCard.js';
import { UsageMeter } from './UsageMeter.js';
import { useGalleryPages } from './useGalleryPages.js';
import { useInfiniteScroll } from './useInfiniteScroll.js';
import { useStatusPolling } from './useStatusPolling.js';

export interface GalleryProps {
  /** The API, signed in as the person whose gallery this is. */
  api: ApiClient;
  /** Told the filters whenever they change (the Exports view can export them). */
  onFiltersChange?: (filters: GalleryFilters) => void;
}

const IN_PIPELINE = new Set<ImageResource['status']>(['queued', 'processing']);

function inChunks<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** The `/gallery` page: upload, the filtered grid with infinite scroll, bulk actions, usage, one image's detail. */
export function Gallery({ api, onFiltersChange }: GalleryProps) {
  const [filters, setFilters] = useState<GalleryFilters>(NO_FILTERS);
  useEffect(() => onFiltersChange?.(filters), [filters, onFiltersChange]);
  const pages = useGalleryPages(api, filters);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [openId, setOpenId] = useState<string | null>(null);
  const [usage, setUsage] = useState<Usage | null>(null);
  const [usageError, setUsageError] = useState<string | null>(null);
  const bulk = useAction();

  const refreshUsage = useCallback(() => {
    api.getUsage().then(
      (next) => {
        setUsage(next);
        setUsageError(null);
      },
      (failure: unknown) => setUsageError(describeFailure(failure)),
    );
  }, [api]);
  useEffect(refreshUsage, [refreshUsage]);

  // A new upload shows first in the grid when the grid shows every image newest first.
  const showsNewUploads = filters.sort === 'newest' && !narrowsGallery(filters);
  const { upsert, remove } = pages;
  const onUploadImage = useCallback(
    (image: ImageResource) => {
      upsert(image, showsNewUploads);
      refreshUsage();
    },
    [upsert, showsNewUploads, refreshUsage],
  );
  const uploads = useUploads(api, onUploadImage);

  const forgetImages = useCallback(
    (ids: readonly string[]) => {
      remove(ids);
      setSelected((current) => new Set([...current].filter((id) => !ids.includes(id))));
      setOpenId((current) => (current && ids.includes(current) ? null : current));
    },
    [remove],
  );

  const { applyImage, applyGone } = uploads;
  const onPolledImage = useCallback(
    (image: ImageResource) => {
      applyImage(image);
      upsert(image, false);
      if (!IN_PIPELINE.has(image.status) && image.status !== 'pending_upload') refreshUsage();
    },
    [applyImage, upsert, refreshUsage],
  );
  const onPolledGone = useCallback(
    (id: string) => {
      applyGone(id);
      forgetImages([id]);
    },
    [applyGone, forgetImages],
  );
  const watchedIds = useMemo(() => {
    const ids = new Set(uploads.watchedIds);
    for (const image of pages.items) if (IN_PIPELINE.has(image.status)) ids.add(image.id);
    return [...ids];
  }, [uploads.watchedIds, pages.items]);
  useStatusPolling(api, watchedIds, onPolledImage, onPolledGone);

  const sentinelRef = useInfiniteScroll(pages);

  const refreshLinks = useCallback(
    (id: string) => {
      api.getImage(id).then(
        (image) => upsert(image, false),
        (failure: unknown) => bulk.setError(describeFailure(failure)),
      );
    },
    [api, upsert],
  );

  const toggleSelected = useCallback((id: string) => {
    setSelected((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);

  const deleteSelected = () => {
    const ids = [...selected];
    if (!window.confirm(`Move ${ids.length} image${ids.length === 1 ? '' : 's'} to Recently deleted? You can restore them from there.`))
      return;
    void bulk.run(async () => {
      let deleted = 0;
      for (const chunk of inChunks(ids, MAX_IDS_PER_REQUEST)) {
        const result = await api.deleteImages(chunk);
        forgetImages([...result.deleted, ...result.notFound]);
        deleted += result.deleted.length;
      }
      refreshUsage();
      bulk.setMessage(`${deleted} image${deleted === 1 ? '' : 's'} moved to Recently deleted.`);
    });
  };

  const downloadZip = (variant: GalleryDownloadVariant) =>
    void bulk.run(async () => {
      saveFile(await api.downloadZip([...selected], variant));
    });

  const openImage = pages.items.find((image) => image.id === openId) ?? null;

  return (
    <div className="gallery">
      <UsageMeter usage={usage} error={usageError} />
      <UploadPanel uploads={uploads} />
      <section className="gallery-images" aria-labelledby="gallery-heading">
        <h2 id="gallery-heading">Your images</h2>
        <GalleryToolbar filters={filters} onChange={setFilters} />
        <BulkActionBar
          selectedCount={selected.size}
          loadedCount={pages.items.length}
          busy={bulk.busy}
          onSelectAll={() => setSelected(new Set(pages.items.map((image) => image.id)))}
          onClearSelection={() => setSelected(new Set())}
          onDelete={deleteSelected}
          onDownloadZip={downloadZip}
        />
        {bulk.message && <p role="status">{bulk.message}</p>}
        {bulk.error && (
          <p role="alert" className="error">
            {bulk.error}
          </p>
        )}
        <ul className="image-grid" aria-label="Images" aria-busy={pages.loading}>
          {pages.items.map((image) => (
            <ImageCard
              key={image.id}
              image={image}
              selected={selected.has(image.id)}
              onToggleSelected={toggleSelected}
              onOpen={setOpenId}
              onLinksExpired={refreshLinks}
            />
          ))}
        </ul>
        {!pages.loading && !pages.error && pages.items.length === 0 && (
          <p className="empty">{narrowsGallery(filters) ? 'No image matches these filters.' : 'No images yet: upload some above.'}</p>
        )}
        {pages.error && (
          <p role="alert" className="error">
            Could not load images: {pages.error.describe()}
          </p>
        )}
        <div ref={sentinelRef} className="scroll-sentinel">
          {pages.loading && <p role="status">Loading images…</p>}
          {!pages.loading && pages.hasMore && (
            <button type="button" onClick={pages.loadMore}>
              {pages.error ? 'Try again' : 'Load more'}
            </button>
          )}
        </div>
      </section>
      {openImage && (
        <ImageDetail
          key={openImage.id}
          api={api}
          image={openImage}
          onChanged={(image) => {
            upsert(image, false);
            applyImage(image);
          }}
          onDeleted={(id) => {
            forgetImages([id]);
            applyGone(id);
            refreshUsage();
            bulk.setMessage(`“${openImage.title}” moved to Recently deleted.`);
          }}
          onClose={() => setOpenId(null)}
        />
      )}
    </div>
  );
}
