import { ApiError } from './apiError.js';
import type {
  ApiKeyRequest,
  ApiKeyResource,
  CreatedApiKey,
  ExportResource,
  GalleryDeleteResult,
  GalleryDownloadVariant,
  GalleryPage,
  ImageResource,
  ImageUpdate,
  ImageVariant,
  ShareLink,
  ShareLinkList,
  ShareLinkRequest,
  TrashEmptied,
  TrashPage,
  TrashRestoreResult,
  UploadRequest,
  UploadTicket,
  Usage,
  UsageHistory,
  UsageHistoryQuery,
} from './apiTypes.js';
import { galleryQueryString, type GalleryFilters } from './galleryQuery.js';

export interface ApiClientOptions {
  /** Origin (and path) in front of `/api`; empty means the page's own origin. */
  baseUrl?: string;
  /** The bearer token of the signed-in person. */
  getToken: () => string;
  /** Called once per call that the API refused with 401, before that call throws. */
  onUnauthorized?: (error: ApiError) => void;
}

/** A downloaded file and the name to save it under. */
export interface DownloadedFile {
  blob: Blob;
  fileName: string;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The file name of a `Content-Disposition` header (RFC 6266 `filename*` first), when it is readable. */
function fileNameFromDisposition(header: string | null): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended?.[1]) return decodeURIComponent(extended[1]);
  return /filename\s*=\s*"?([^";]+)"?/i.exec(header)?.[1];
}

/** The detour HTTP API (docs/api.md), one method per route; every failure throws an ApiError. */
export function createApiClient(options: ApiClientOptions) {
  const baseUrl = options.baseUrl ?? '';

  async function send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.getToken()}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/api/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (cause) {
      throw ApiError.unreachable(cause);
    }
    if (!response.ok) {
      const error = await ApiError.fromResponse(response);
      if (response.status === 401) options.onUnauthorized?.(error);
      throw error;
    }
    return response;
  }

  async function sendForJson<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await send(method, path, body)).json()) as T;
  }

  async function download(method: string, path: string, fallbackName: string, body?: unknown): Promise<DownloadedFile> {
    const response = await send(method, path, body);
    return { blob: await response.blob(), fileName: fileNameFromDisposition(response.headers.get('content-disposition')) ?? fallbackName };
  }

  const image = (id: string) => `images/${encodeURIComponent(id)}`;

  return {
    requestUpload: (request: UploadRequest) => sendForJson<UploadTicket>('POST', 'uploads', request),
    getImage: (id: string) => sendForJson<ImageResource>('GET', image(id)),
    updateImage: (id: string, changes: ImageUpdate) => sendForJson<ImageResource>('PATCH', image(id), changes),
    /** To the trash (*Recently deleted*), or for good with `permanent`. */
    deleteImage: async (id: string, options: { permanent?: boolean } = {}) => {
      await send('DELETE', options.permanent ? `${image(id)}?permanent=true` : image(id));
    },
    retryImage: (id: string) => sendForJson<ImageResource>('POST', `${image(id)}/retry`),
    /** Follows the API's redirect to the blob; the redirected request carries no token (Fetch drops it across origins). */
    downloadImage: (id: string, variant: ImageVariant, fallbackName: string) =>
      download('GET', `${image(id)}/download?variant=${variant}`, fallbackName),
    listGallery: (filters: GalleryFilters, page: { cursor?: string; limit: number }) =>
      sendForJson<GalleryPage>('GET', `gallery?${galleryQueryString(filters, page)}`),
    /** Up to 100 images to the trash. */
    deleteImages: (ids: string[]) => sendForJson<GalleryDeleteResult>('DELETE', 'gallery', { ids }),
    /** A page of the trash, newest-trashed first. */
    listTrash: (page: { cursor?: string; limit: number }) => {
      const query = new URLSearchParams({ limit: String(page.limit) });
      if (page.cursor) query.set('cursor', page.cursor);
      return sendForJson<TrashPage>('GET', `trash?${query.toString()}`);
    },
    /** Up to 100 images back to the gallery: all of them, or none (404) when one is not in the trash. */
    restoreFromTrash: (ids: string[]) => sendForJson<TrashRestoreResult>('POST', 'trash/restore', { ids }),
    restoreWholeTrash: () => sendForJson<TrashRestoreResult>('POST', 'trash/restore', { all: true }),
    /** Up to 100 images of the trash deleted for good. */
    deleteFromTrash: (ids: string[]) => sendForJson<GalleryDeleteResult>('DELETE', 'trash', { ids }),
    emptyTrash: () => sendForJson<TrashEmptied>('DELETE', 'trash'),
    downloadZip: (ids: string[], variant: GalleryDownloadVariant) => download('POST', 'gallery/download', 'detour.zip', { ids, variant }),
    createShareLink: (id: string, request: ShareLinkRequest) => sendForJson<ShareLink>('POST', `${image(id)}/share`, request),
    listImageShareLinks: (id: string) => sendForJson<ShareLinkList>('GET', `${image(id)}/share`),
    /** Everything (no filter), or the images matching the gallery's filter fields (`galleryFilterFields`). */
    createExport: (filter: Record<string, string> | undefined, variant: GalleryDownloadVariant) =>
      sendForJson<ExportResource>('POST', 'exports', filter ? { filter, variant } : { variant }),
    listExports: async () => (await sendForJson<{ exports: ExportResource[] }>('GET', 'exports')).exports,
    deleteExport: async (id: string) => {
      await send('DELETE', `exports/${encodeURIComponent(id)}`);
    },
    revokeShareLinks: async (id: string) => {
      await send('DELETE', `${image(id)}/share`);
    },
    listShareLinks: (cursor?: string) =>
      sendForJson<ShareLinkList>(
        'GET',
        `share-links?${new URLSearchParams(cursor ? { limit: '50', cursor } : { limit: '50' }).toString()}`,
      ),
    revokeShareLink: async (linkId: string) => {
      await send('DELETE', `share-links/${encodeURIComponent(linkId)}`);
    },
    revokeAllShareLinks: () => sendForJson<{ revoked: number }>('DELETE', 'share-links'),
    getUsage: () => sendForJson<Usage>('GET', 'me/usage'),
    getUsageHistory: (query: UsageHistoryQuery) =>
      sendForJson<UsageHistory>('GET', `me/usage/history?${new URLSearchParams(query).toString()}`),
    listApiKeys: async () => (await sendForJson<{ keys: ApiKeyResource[] }>('GET', 'keys')).keys,
    createApiKey: (request: Partial<ApiKeyRequest> & Pick<ApiKeyRequest, 'name'>) => sendForJson<CreatedApiKey>('POST', 'keys', request),
    revokeApiKey: async (id: string) => {
      await send('DELETE', `keys/${encodeURIComponent(id)}`);
    },
  };
}
