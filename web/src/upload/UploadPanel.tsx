import { useId, useState, type DragEvent } from 'react';
import { formatBytes, STATUS_LABELS } from '../format.js';
import type { UploadItem, Uploads } from './useUploads.js';

/** The types the API accepts (docs/api.md): the picker offers only these; the API explains any other. */
const ACCEPTED_TYPES = 'image/jpeg,image/png,image/webp,image/avif';

function phaseText(item: UploadItem): string {
  switch (item.phase) {
    case 'requesting':
      return 'Asking for an upload link…';
    case 'sending':
      return `Sending… ${Math.round(item.progress * 100)} %`;
    case 'processing':
      return item.image ? `${STATUS_LABELS[item.image.status]}…` : 'Processing…';
    case 'ready':
      return 'Ready';
    case 'failed':
      return `Failed: ${item.error ?? 'processing failed.'}`;
    case 'refused':
      return `Not uploaded: ${item.error ?? 'the upload was refused.'}`;
  }
}

export interface UploadPanelProps {
  uploads: Uploads;
}

/** Drop zone and file picker (several files at once), then each file's progress and live status. */
export function UploadPanel({ uploads }: UploadPanelProps) {
  const [dragging, setDragging] = useState(false);
  const inputId = useId();

  function drop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    const files = [...event.dataTransfer.files];
    if (files.length > 0) uploads.add(files);
  }

  const hasFinished = uploads.items.some((item) => item.phase === 'ready');

  return (
    <section className="upload-panel" aria-labelledby={`${inputId}-heading`}>
      <h2 id={`${inputId}-heading`}>Upload</h2>
      <div
        className={dragging ? 'drop-zone dragging' : 'drop-zone'}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <p>Drop photos here (JPEG, PNG, WebP, AVIF; several at once), or</p>
        <label htmlFor={inputId} className="button">
          Choose files
        </label>
        <input
          id={inputId}
          className="visually-hidden"
          type="file"
          multiple
          accept={ACCEPTED_TYPES}
          onChange={(event) => {
            const files = [...(event.target.files ?? [])];
            event.target.value = '';
            if (files.length > 0) uploads.add(files);
          }}
        />
      </div>
      {uploads.items.length > 0 && (
        <>
          <ul className="upload-list" aria-label="Uploads">
            {uploads.items.map((item) => (
              <li key={item.key} className={`upload upload-${item.phase}`}>
                <span className="upload-name">
                  {item.file.name} <small>({formatBytes(item.file.size)})</small>
                </span>
                {item.phase !== 'refused' && item.phase !== 'ready' && item.phase !== 'failed' && (
                  <progress max={1} value={item.progress} aria-label={`Bytes of ${item.file.name} sent`} />
                )}
                <span className="upload-status" role={item.phase === 'failed' || item.phase === 'refused' ? 'alert' : undefined}>
                  {phaseText(item)}
                </span>
                {(item.phase === 'failed' || item.phase === 'refused') && (
                  <button type="button" onClick={() => uploads.retry(item.key)} aria-label={`Retry ${item.file.name}`}>
                    Retry
                  </button>
                )}
              </li>
            ))}
          </ul>
          {hasFinished && (
            <button type="button" className="link-button" onClick={uploads.clearFinished}>
              Clear finished uploads
            </button>
          )}
        </>
      )}
    </section>
  );
}
