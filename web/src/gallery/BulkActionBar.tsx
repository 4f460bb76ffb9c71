import { useId, useState } from 'react';
import type { GalleryDownloadVariant } from '../api/apiTypes.js';

/** docs/api.md: one bulk request names at most 100 images. */
export const MAX_IDS_PER_REQUEST = 100;

export interface BulkActionBarProps {
  selectedCount: number;
  loadedCount: number;
  busy: boolean;
  onSelectAll: () => void;
  onClearSelection: () => void;
  onDelete: () => void;
  onDownloadZip: (variant: GalleryDownloadVariant) => void;
}

/** What can be done to several selected images at once: delete them, or download them as one ZIP. */
export function BulkActionBar(props: BulkActionBarProps) {
  const { selectedCount, loadedCount, busy } = props;
  const [variant, setVariant] = useState<GalleryDownloadVariant>('processed');
  const variantId = useId();
  const tooManyForZip = selectedCount > MAX_IDS_PER_REQUEST;

  return (
    <div className="bulk-actions" role="toolbar" aria-label="Selected images">
      <span aria-live="polite">{selectedCount === 0 ? 'No image selected' : `${selectedCount} selected`}</span>
      <button type="button" onClick={props.onSelectAll} disabled={loadedCount === 0 || selectedCount === loadedCount}>
        Select all loaded
      </button>
      <button type="button" onClick={props.onClearSelection} disabled={selectedCount === 0}>
        Clear selection
      </button>
      <label htmlFor={variantId}>ZIP of</label>
      <select id={variantId} value={variant} onChange={(event) => setVariant(event.target.value as GalleryDownloadVariant)}>
        <option value="processed">cut-outs</option>
        <option value="original">originals</option>
        <option value="both">both</option>
      </select>
      <button
        type="button"
        onClick={() => props.onDownloadZip(variant)}
        disabled={busy || selectedCount === 0 || tooManyForZip}
        title={tooManyForZip ? `A ZIP holds at most ${MAX_IDS_PER_REQUEST} images` : undefined}
      >
        Download ZIP
      </button>
      <button type="button" className="danger" onClick={props.onDelete} disabled={busy || selectedCount === 0}>
        Delete selected
      </button>
    </div>
  );
}
