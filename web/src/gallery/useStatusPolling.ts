import { useEffect, useRef } from 'react';
import type { ApiClient } from '../api/apiClient.js';
import { ApiError } from '../api/apiError.js';
import type { ImageResource } from '../api/apiTypes.js';

const STATUS_POLL_INTERVAL_MS = 1500;

/**
 * While `ids` is not empty, asks the API for each of those images every interval and reports what it
 * answers: the live status of uploads and of images still in the pipeline. A failed round is tried
 * again at the next interval; an image that no longer exists is reported as gone.
 */
export function useStatusPolling(
  api: ApiClient,
  ids: readonly string[],
  onImage: (image: ImageResource) => void,
  onGone: (id: string) => void,
): void {
  const latest = useRef({ ids, onImage, onGone });
  latest.current = { ids, onImage, onGone };
  const polling = ids.length > 0;

  useEffect(() => {
    if (!polling) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const round = async () => {
      await Promise.all(
        latest.current.ids.map(async (id) => {
          try {
            const image = await api.getImage(id);
            if (!stopped) latest.current.onImage(image);
          } catch (failure) {
            if (!stopped && failure instanceof ApiError && failure.status === 404) latest.current.onGone(id);
          }
        }),
      );
      if (!stopped) timer = setTimeout(() => void round(), STATUS_POLL_INTERVAL_MS);
    };
    timer = setTimeout(() => void round(), STATUS_POLL_INTERVAL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, polling]);
}
