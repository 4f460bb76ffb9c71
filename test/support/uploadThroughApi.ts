import { BlockBlobClient } from '@azure/storage-blob';
import { expect } from 'vitest';
import { CONTAINERS } from '../../shared/storage/blobPaths.js';
import type { TestApp } from './testApp.js';

export interface UploadThroughApiOptions {
  fileName?: string;
  contentType?: string;
  /** The size declared to the API; defaults to the real one. */
  declaredSize?: number;
  title?: string;
  tags?: string[];
  sha256?: string;
  allowDuplicate?: boolean;
}

/** What a browser does: ask for an upload link, then PUT the bytes straight to Blob Storage with the SDK. */
export async function uploadThroughApi(app: Pick<TestApp, 'api'>, token: string, bytes: Buffer, options: UploadThroughApiOptions = {}) {
  const contentType = options.contentType ?? 'image/jpeg';
  const requested = await app.api('POST', '/api/uploads', {
    token,
    body: {
      fileName: options.fileName ?? 'photo.jpg',
      contentType,
      size: options.declaredSize ?? bytes.length,
      title: options.title,
      tags: options.tags,
      sha256: options.sha256,
      allowDuplicate: options.allowDuplicate,
    },
  });
  expect(requested.status, JSON.stringify(requested.body)).toBe(201);
  const { image, upload } = requested.body;
  await new BlockBlobClient(upload.url).uploadData(bytes, { blobHTTPHeaders: { blobContentType: upload.headers['content-type'] } });
  return { imageId: image.id as string, upload };
}

/** Polls the image until it is `ready` or `failed` (the pipeline is asynchronous). */
export async function waitForSettledImage(app: Pick<TestApp, 'api'>, token: string, imageId: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await app.api('GET', `/api/images/${imageId}`, { token });
    expect(status).toBe(200);
    if (body.status === 'ready' || body.status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`Image ${imageId} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** Every blob of a user in every container, snapshots included, from Blob Storage itself. */
export async function storedBlobsOf(app: Pick<TestApp, 'blobs'>, userId: string): Promise<{ path: string; size: number }[]> {
  const found: { path: string; size: number }[] = [];
  for (const container of Object.values(CONTAINERS)) {
    const listing = app.blobs.client.getContainerClient(container).listBlobsFlat({ prefix: `${userId}/`, includeSnapshots: true });
    for await (const blob of listing) {
      found.push({
        path: `${container}/${blob.name}${blob.snapshot ? `?snapshot=${blob.snapshot}` : ''}`,
        size: blob.properties.contentLength ?? 0,
      });
    }
  }
  return found;
}

/** The sum of the real sizes of a user's stored blobs (snapshots and intake blobs included). */
export async function storedBytesOf(app: Pick<TestApp, 'blobs'>, userId: string): Promise<number> {
  return (await storedBlobsOf(app, userId)).reduce((sum, blob) => sum + blob.size, 0);
}
