import type { ImageResource } from '../api/apiTypes.js';
import { STATUS_LABELS } from '../format.js';

export interface ImageCardProps {
  image: ImageResource;
  selected: boolean;
  onToggleSelected: (id: string) => void;
  onOpen: (id: string) => void;
  /** The thumbnail's read link failed after it expired: fresh links are wanted. */
  onLinksExpired: (id: string) => void;
}

/** One image of the grid: its thumbnail (lazy), title, status and favourite mark, and a selection box. */
export function ImageCard({ image, selected, onToggleSelected, onOpen, onLinksExpired }: ImageCardProps) {
  const thumbnail = image.urls.thumbnail;
  return (
    <li className={selected ? 'image-card selected' : 'image-card'}>
      <button type="button" className="image-open" onClick={() => onOpen(image.id)} aria-label={`Open ${image.title}`}>
        {thumbnail ? (
          <img
            src={thumbnail}
            alt={`Cut-out of ${image.title}`}
            loading="lazy"
            decoding="async"
            width={200}
            height={200}
            onError={() => {
              if (Date.parse(image.urlsExpireAt) <= Date.now()) onLinksExpired(image.id);
            }}
          />
        ) : (
          <span className={`status-placeholder status-${image.status}`}>{STATUS_LABELS[image.status]}</span>
        )}
      </button>
      <div className="image-caption">
        <input type="checkbox" checked={selected} onChange={() => onToggleSelected(image.id)} aria-label={`Select ${image.title}`} />
        <span className="image-title" title={image.originalName}>
          {image.title}
        </span>
        {image.isFavorite && (
          <span className="favorite-mark" role="img" aria-label="Favourite">
            ★
          </span>
        )}
        {image.status !== 'ready' && <span className={`status-badge status-${image.status}`}>{STATUS_LABELS[image.status]}</span>}
      </div>
      {image.tags.length > 0 && (
        <ul className="tag-list" aria-label={`Tags of ${image.title}`}>
          {image.tags.map((tag) => (
            <li key={tag}>{tag}</li>
          ))}
        </ul>
      )}
    </li>
  );
}
