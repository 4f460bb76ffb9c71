import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ApiClient } from '../api/apiClient.js';
import type { ImageResource, ImageVariant } from '../api/apiTypes.js';
import { parseTagList } from '../api/galleryQuery.js';
import { cutoutFileName, formatBytes, formatDate, STATUS_LABELS } from '../format.js';
import { saveFile } from '../saveFile.js';
import { useAction } from '../useAction.js';
import { CompareSlider } from './CompareSlider.js';
import { ShareLinkControls } from './ShareLinkControls.js';
import { ActionStatus } from '../ActionStatus.js';

export interface ImageDetailProps {
  api: ApiClient;
  image: ImageResource;
  /** The API's newer state of the image (after an edit, a retry). */
  onChanged: (image: ImageResource) => void;
  onDeleted: (id: string) => void;
  onClose: () => void;
}

/** One image in a modal dialog: comparison, edits, favourite, downloads, sharing, delete. */
export function ImageDetail({ api, image, onChanged, onDeleted, onClose }: ImageDetailProps) {
  const dialogRef = useRef<HTMLDialogElement | null>(null);
  const [title, setTitle] = useState(image.title);
  const [tags, setTags] = useState(image.tags.join(', '));
  const { busy, error, message, setMessage, run } = useAction();
  const id = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  function save(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      const updated = await api.updateImage(image.id, { title: title.trim(), tags: parseTagList(tags) });
      setTitle(updated.title);
      setTags(updated.tags.join(', '));
      onChanged(updated);
      setMessage('Saved.');
    });
  }

  const toggleFavorite = () =>
    run(async () => {
      onChanged(await api.updateImage(image.id, { isFavorite: !image.isFavorite }));
    });

  const retry = () =>
    run(async () => {
      onChanged(await api.retryImage(image.id));
    });

  const download = (variant: ImageVariant) =>
    run(async () => {
      saveFile(
        await api.downloadImage(image.id, variant, variant === 'original' ? image.originalName : cutoutFileName(image.originalName)),
      );
    });

  const remove = () => {
    if (!window.confirm(`Move “${image.title}” to Recently deleted? You can restore it from there.`)) return;
    void run(async () => {
      await api.deleteImage(image.id);
      onDeleted(image.id);
    });
  };

  // The cut-out is shown from its ≤ 1600 px WebP preview (the full PNG is for downloads), when it has one.
  const { original, processed } = image.urls;
  const cutout = image.urls.preview ?? processed;
  const aspectRatio = image.dimensions ? image.dimensions.width / image.dimensions.height : 4 / 3;

  return (
    <dialog ref={dialogRef} className="image-detail" aria-labelledby={`${id}-title`} onClose={onClose}>
      <header>
        <h2 id={`${id}-title`}>{image.title}</h2>
        <button type="button" onClick={() => dialogRef.current?.close()} aria-label="Close">
          ✕
        </button>
      </header>

      {original && cutout ? (
        <CompareSlider originalUrl={original} cutoutUrl={cutout} title={image.title} aspectRatio={aspectRatio} />
      ) : (
        original && <img className="detail-original" src={original} alt={`${image.title}, original`} />
      )}

      <p className={`status-line status-${image.status}`}>
        Status: {STATUS_LABELS[image.status]}
        {image.status === 'failed' && image.error && ` — ${image.error.message} (${image.error.code})`}
      </p>
      {image.status === 'failed' && (
        <button type="button" onClick={() => void retry()} disabled={busy}>
          Retry processing
        </button>
      )}

      <dl className="facts">
        <dt>File</dt>
        <dd>
          {image.originalName}, {formatBytes(image.fileSize)}
        </dd>
        {image.dimensions && (
          <>
            <dt>Size</dt>
            <dd>
              {image.dimensions.width} × {image.dimensions.height} px
            </dd>
          </>
        )}
        {image.quality && (
          <>
            <dt>Cut-out quality</dt>
            <dd>{image.quality}</dd>
          </>
        )}
        <dt>Uploaded</dt>
        <dd>{formatDate(image.createdAt)}</dd>
      </dl>

      <form className="edit-form" onSubmit={save}>
        <label htmlFor={`${id}-edit-title`}>Title</label>
        <input id={`${id}-edit-title`} value={title} maxLength={200} required onChange={(event) => setTitle(event.target.value)} />
        <label htmlFor={`${id}-edit-tags`}>Tags (comma-separated)</label>
        <input id={`${id}-edit-tags`} value={tags} onChange={(event) => setTags(event.target.value)} />
        <button type="submit" disabled={busy}>
          Save
        </button>
      </form>

      <div className="detail-actions">
        <button type="button" aria-pressed={image.isFavorite} onClick={() => void toggleFavorite()} disabled={busy}>
          {image.isFavorite ? '★ Favourite' : '☆ Add to favourites'}
        </button>
        <button type="button" onClick={() => void download('original')} disabled={busy || !original}>
          Download original
        </button>
        <button type="button" onClick={() => void download('processed')} disabled={busy || !processed}>
          Download cut-out
        </button>
        <button type="button" className="danger" onClick={remove} disabled={busy}>
          Delete
        </button>
      </div>

      {image.status === 'ready' && <ShareLinkControls api={api} imageId={image.id} title={image.title} />}

      <ActionStatus message={message} error={error} />
    </dialog>
  );
}
