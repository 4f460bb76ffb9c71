import { useCallback, useState } from 'react';
import type { ApiClient } from '../api/apiClient.js';
import { ApiError, describeFailure } from '../api/apiError.js';
import type { ImageResource } from '../api/apiTypes.js';
import { putToBlobStorage } from '../api/putToBlobStorage.js';
import { titleFromFileName } from '../format.js';

/**
 * One file's way: `requesting` (POST /api/uploads) → `sending` (PUT to Blob Storage, with progress)
 * → `processing` (the pipeline: the image's status is live) → `ready` or `failed` (the pipeline's
 * reason; Retry asks the API to process it again). `refused`: the API or storage said no before the
 * pipeline got the file (quota, type, size, rate limit, network); Retry starts the upload again.
 */
type UploadPhase = 'requesting' | 'sending' | 'processing' | 'ready' | 'failed' | 'refused';

export interface UploadItem {
  key: string;
  file: File;
  phase: UploadPhase;
  /** 0–1 of the bytes sent to storage. */
  progress: number;
  image: ImageResource | null;
  error: string | null;
}

export interface Uploads {
  items: UploadItem[];
  /** Images whose status is still to be watched. */
  watchedIds: string[];
  add: (files: readonly File[]) => void;
  retry: (key: string) => void;
  /** The latest state of an image from anywhere (polling, the detail view). */
  applyImage: (image: ImageResource) => void;
  applyGone: (id: string) => void;
  clearFinished: () => void;
}

function phaseOf(image: ImageResource): UploadPhase {
  if (image.status === 'ready') return 'ready';
  if (image.status === 'failed') return 'failed';
  return 'processing';
}

let nextKey = 0;

/**
 * Uploads straight to Blob Storage with the create-only link of `POST /api/uploads`, and follows each
 * image through the pipeline. `onImage` hears of every new image and every change of one.
 */
export function useUploads(api: ApiClient, onImage: (image: ImageResource) => void): Uploads {
  const [items, setItems] = useState<UploadItem[]>([]);

  const update = useCallback((key: string, change: Partial<UploadItem>) => {
    setItems((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }, []);

  const send = useCallback(
    async (key: string, file: File) => {
      update(key, { phase: 'requesting', progress: 0, image: null, error: null });
      try {
        const ticket = await api.requestUpload({
          fileName: file.name,
          contentType: file.type || 'application/octet-stream',
          size: file.size,
          title: titleFromFileName(file.name),
        });
        update(key, { phase: 'sending', image: ticket.image });
        onImage(ticket.image);
        await putToBlobStorage(ticket.upload, file, (progress) => update(key, { progress }));
        update(key, { phase: 'processing', progress: 1 });
      } catch (failure) {
        update(key, { phase: 'refused', error: describeFailure(failure) });
      }
    },
    [api, onImage, update],
  );

  const add = useCallback(
    (files: readonly File[]) => {
      const added = files.map((file) => ({
        key: `upload-${(nextKey += 1)}`,
        file,
        phase: 'requesting' as const,
        progress: 0,
        image: null,
        error: null,
      }));
      setItems((current) => [...added, ...current]);
      for (const item of added) void send(item.key, item.file);
    },
    [send],
  );

  const retry = useCallback(
    (key: string) => {
      const item = items.find((candidate) => candidate.key === key);
      if (!item) return;
      if (item.phase === 'failed' && item.image) {
        const imageId = item.image.id;
        update(key, { phase: 'processing', error: null });
        api.retryImage(imageId).then(
          (image) => {
            update(key, { image, phase: phaseOf(image) });
            onImage(image);
          },
          (failure: unknown) => update(key, { phase: 'failed', error: describeFailure(failure) }),
        );
        return;
      }
      if (item.phase !== 'refused') return;
      // The abandoned record (its upload never finished) gives its quota reservation back first.
      const abandoned = item.image?.status === 'pending_upload' ? item.image.id : null;
      const release = abandoned
        ? api.deleteImage(abandoned).catch((failure: unknown) => {
            if (!(failure instanceof ApiError && failure.status === 404)) throw failure;
          })
        : Promise.resolve();
      release.then(
        () => void send(key, item.file),
        (failure: unknown) => update(key, { error: describeFailure(failure) }),
      );
    },
    [api, items, onImage, send, update],
  );

  const applyImage = useCallback((image: ImageResource) => {
    setItems((current) =>
      current.map((item) => {
        if (item.image?.id !== image.id) return item;
        // While the bytes are still on their way, the record stays pending: keep the sending phase.
        if (item.phase === 'requesting' || item.phase === 'sending' || item.phase === 'refused') return { ...item, image };
        return {
          ...item,
          image,
          phase: phaseOf(image),
          error: image.status === 'failed' ? (image.error?.message ?? 'Processing failed.') : null,
        };
      }),
    );
  }, []);

  const applyGone = useCallback((id: string) => {
    setItems((current) => current.filter((item) => item.image?.id !== id));
  }, []);

  const clearFinished = useCallback(() => {
    setItems((current) => current.filter((item) => item.phase !== 'ready'));
  }, []);

  const watchedIds = items.flatMap((item) => (item.phase === 'processing' && item.image ? [item.image.id] : []));

  return { items, watchedIds, add, retry, applyImage, applyGone, clearFinished };
}
