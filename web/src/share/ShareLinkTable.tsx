import type { ShareLinkSummary } from '../api/apiTypes.js';
import { formatDate } from '../format.js';

const STATUS_LABELS: Record<ShareLinkSummary['status'], string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
  used_up: 'Used up',
};

export interface ShareLinkTableProps {
  links: ShareLinkSummary[];
  caption: string;
  busy: boolean;
  onRevoke(linkId: string): void;
  /** Adds the image's title to each row (the list over all images). */
  showImage?: boolean;
}

/** Share links as their owner sees them: what each allows, how much it was used, and a revoke button while it works. */
export function ShareLinkTable({ links, caption, busy, onRevoke, showImage = false }: ShareLinkTableProps) {
  return (
    <table className="share-links">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {showImage && <th scope="col">Image</th>}
          <th scope="col">Status</th>
          <th scope="col">Created</th>
          <th scope="col">Expires</th>
          <th scope="col">Views</th>
          <th scope="col">Downloads</th>
          <th scope="col">Last opened</th>
          <th scope="col">Options</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {links.map((link) => (
          <tr key={link.id} data-link-status={link.status}>
            {showImage && <td>{link.imageTitle}</td>}
            <td>{STATUS_LABELS[link.status]}</td>
            <td>{formatDate(link.createdAt)}</td>
            <td>{formatDate(link.expiresAt)}</td>
            <td>{link.maxViews === null ? link.views : `${link.views} / ${link.maxViews}`}</td>
            <td>{link.downloads}</td>
            <td>{link.lastAccessedAt ? formatDate(link.lastAccessedAt) : '—'}</td>
            <td>{[link.hasPassword && 'password', link.allowDownload ? 'download' : 'preview only'].filter(Boolean).join(', ')}</td>
            <td>
              {link.status === 'active' && (
                <button type="button" onClick={() => onRevoke(link.id)} disabled={busy}>
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
