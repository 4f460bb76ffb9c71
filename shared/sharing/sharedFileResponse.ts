import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { attachmentDisposition } from '../storage/blobStore.js';
import { openSharedFile, type OpenSharedFileOptions } from './openSharedFile.js';
import { isCountedRequest, PUBLIC_SHARE_HEADERS } from './publicShareResponse.js';

/** The reply of a shared file route: the checks of openSharedFile, then the bytes streamed from storage. */
export async function sharedFileResponse(
  request: HttpRequest,
  options: Omit<OpenSharedFileOptions, 'counted' | 'withBody'>,
): Promise<HttpResponseInit> {
  const file = await openSharedFile({ ...options, counted: isCountedRequest(request), withBody: request.method !== 'HEAD' });
  return {
    status: 200,
    headers: {
      ...PUBLIC_SHARE_HEADERS,
      'content-type': file.contentType,
      'content-disposition': file.attachmentName ? attachmentDisposition(file.attachmentName) : 'inline',
    },
    body: file.body,
  };
}
