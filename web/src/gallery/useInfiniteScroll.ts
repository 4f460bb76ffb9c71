import { useEffect, useRef, useState } from 'react';

/**
 * Calls `loadMore` while the returned sentinel element is in (or near) the viewport and more can be
 * loaded: when it scrolls into view, and again after each page if it is still in view.
 */
export function useInfiniteScroll(options: { hasMore: boolean; loading: boolean; loadMore: () => void }) {
  const sentinelRef = useRef<HTMLDivElement | null>(null);
  const [sentinelVisible, setSentinelVisible] = useState(false);

  useEffect(() => {
    const sentinel = sentinelRef.current;
    if (!sentinel) return;
    const observer = new IntersectionObserver((entries) => setSentinelVisible(entries.some((entry) => entry.isIntersecting)), {
      rootMargin: '400px 0px',
    });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, []);

  const { hasMore, loading, loadMore } = options;
  useEffect(() => {
    if (sentinelVisible && hasMore && !loading) loadMore();
  }, [sentinelVisible, hasMore, loading, loadMore]);

  return sentinelRef;
}
