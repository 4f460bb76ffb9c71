import { ApiError } from '../api/apiError.js';
import type { ShareAccess, SharedImage } from '../api/apiTypes.js';

/**
 * The public share routes, for the page at `/s/{token}`: no sign-in, no token of anyone's. The page data
 * gives paths on the API (with a short grant); `fileUrl` puts the API's origin in front of them.
 */
export function createSharedPageApi(baseUrl: string, token: string) {
  const shared = `${baseUrl}/api/shared/${encodeURIComponent(token)}`;

  async function call(url: string, init?: RequestInit): Promise<Response> {
    let response: Response;
    try {
      // No Referer leaves the page (its URL holds the token), whatever the server's header said.
      response = await fetch(url, { ...init, referrerPolicy: 'no-referrer', headers: { accept: 'application/json', ...init?.headers } });
    } catch (cause) {
      throw ApiError.unreachable(cause);
    }
    if (!response.ok) throw await ApiError.fromResponse(response);
    return response;
  }

  return {
    /** Counts a view (docs/api.md); `access` is the unlock grant of a password-protected link. */
    open: async (access?: string) =>
      (await (await call(access ? `${shared}?${new URLSearchParams({ access }).toString()}` : shared)).json()) as SharedImage,
    unlock: async (password: string) =>
      (await (
        await call(`${shared}/access`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ password }),
        })
      ).json()) as ShareAccess,
    fileUrl: (path: string) => `${baseUrl}${path}`,
  };
}
