import type { Usage } from '../api/apiTypes.js';
import { formatBytes } from '../format.js';

export interface UsageMeterProps {
  usage: Usage | null;
  error: string | null;
}

/** Storage and image counts against the quota. */
export function UsageMeter({ usage, error }: UsageMeterProps) {
  if (error) {
    return (
      <section className="usage" aria-label="Usage">
        <p role="alert" className="error">
          Usage unavailable: {error}
        </p>
      </section>
    );
  }
  if (!usage) return <section className="usage" aria-label="Usage" aria-busy="true" />;
  return (
    <section className="usage" aria-label="Usage">
      <label>
        <span>
          Storage: {formatBytes(usage.storageUsed)} of {formatBytes(usage.storageLimit)}
        </span>
        <meter min={0} max={usage.storageLimit} value={usage.storageUsed} high={usage.storageLimit * 0.9} />
      </label>
      <label>
        <span>
          Images: {usage.imageCount} of {usage.imageLimit}
        </span>
        <meter min={0} max={usage.imageLimit} value={usage.imageCount} high={usage.imageLimit * 0.9} />
      </label>
      {usage.trash.images > 0 && (
        <p>
          Including {usage.trash.images} in Recently deleted ({formatBytes(usage.trash.bytes)}), until restored or deleted for good.
        </p>
      )}
    </section>
  );
}
