import {
  BlobSASPermissions,
  BlobServiceClient,
  RestError,
  StorageSharedKeyCredential,
  type ContainerListBlobFlatSegmentResponse,
} from '@azure/storage-blob';
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { StorageSettings } from '../config.js';
import { CONTAINERS, servedContentType, type BlobLocation, type ContainerName } from './blobPaths.js';
import { MAX_READ_LINK_WINDOW_MS, readLinkWindow, sharedKeySigner, userDelegationSigner, type SasSigner } from './sasSigner.js';
import { storageCredential } from './storageCredential.js';

/**
 * The product's blob storage: the only code that talks to the Blob SDK. Everything takes a
 * `BlobLocation` from `blobPaths.ts`; SAS links are scoped to exactly one blob.
 */

/** One blob as a listing sees it. */
export interface ListedBlob {
  location: BlobLocation;
  size: number;
  lastModified: Date;
}

export interface SignedUrl {
  url: string;
  expiresAt: Date;
}

export interface ReadUrlOptions {
  ttlMinutes: number;
  /** The link never outlives this instant (share links). */
  notAfter?: Date;
  /** Served with `Content-Disposition: attachment; filename=…` so browsers download it. */
  attachmentFileName?: string;
}

/** Clock skew allowance: a SAS starts a little in the past. */
const SAS_START_SKEW_MS = 5 * 60_000;

/**
 * `Cache-Control` of a blob that never changes at its name (the pipeline's outputs: a name is never
 * written again once a link to it was handed out). Browsers may keep it for as long as the link that
 * fetched it can live (a 60-minute read link, the longest allowed, plus one window), and reuse it for
 * as long as responses hand out that same link (one window); `private`: one user's data, for their
 * browser only, never a shared cache.
 */
export const IMMUTABLE_BLOB_CACHE_CONTROL = `private, max-age=${(60 * 60_000 + MAX_READ_LINK_WINDOW_MS) / 1000}, immutable`;

const UPLOAD_BLOCK_BYTES = 8 * 1024 * 1024;

/** Signed read links kept for reuse within their window; beyond this many, the oldest half goes. */
const SIGNED_LINK_CACHE_SIZE = 20_000;

export class BlobStore {
  private containersReady: Promise<void> | undefined;
  /** Query strings of read links by what they sign: within a window the same values sign the same link. */
  private readonly signedReadLinks = new Map<string, string>();

  constructor(
    readonly client: BlobServiceClient,
    private readonly signer: SasSigner,
  ) {}

  static fromSettings(settings: StorageSettings): BlobStore {
    if (settings.connectionString) {
      const client = BlobServiceClient.fromConnectionString(settings.connectionString);
      if (!(client.credential instanceof StorageSharedKeyCredential)) {
        throw new Error('The DataStorage connection string must include an account key to sign SAS links.');
      }
      return new BlobStore(client, sharedKeySigner(client.credential, client.url));
    }
    if (!settings.blobServiceUrl) throw new Error('DataStorage__blobServiceUri is not set.');
    const client = new BlobServiceClient(settings.blobServiceUrl, storageCredential(settings));
    return new BlobStore(client, userDelegationSigner(client));
  }

  /** Creates the product's containers (private) where missing; once per instance, before the first write. */
  ensureContainers(): Promise<void> {
    this.containersReady ??= Promise.all(
      Object.values(CONTAINERS).map((name) => this.client.getContainerClient(name).createIfNotExists()),
    ).then(
      () => undefined,
      (error: unknown) => {
        this.containersReady = undefined;
        throw error;
      },
    );
    return this.containersReady;
  }

  private blob(location: BlobLocation) {
    return this.client.getContainerClient(location.container).getBlockBlobClient(location.name);
  }

  /**
   * Create only (no write, add or delete) on exactly this intake blob, for a browser's direct PUT. On
   * Azure, `c` alone cannot overwrite a blob that exists (docs/security.md).
   */
  async createUploadUrl(location: BlobLocation, ttlMinutes: number, now = new Date()): Promise<SignedUrl> {
    if (location.container !== CONTAINERS.uploads) throw new Error(`Upload links reach ${CONTAINERS.uploads}/ only.`);
    await this.ensureContainers();
    return this.signedUrl(location, 'c', now, new Date(now.getTime() + ttlMinutes * 60_000));
  }

  /**
   * Read-only on exactly this blob, living at least `ttlMinutes` (never past `notAfter`): the same link
   * for every call within a window (`readLinkWindow`), so that browsers can cache what it fetches. The
   * response's type and disposition are pinned in the signature (`rsct`, `rscd`) from the blob's name,
   * whatever its stored properties say: an image type the product checked or made is served inline (or
   * as an attachment when named), anything else as an octet-stream attachment, so no blob can render as
   * a page.
   */
  async createReadUrl(location: BlobLocation, options: ReadUrlOptions, now = new Date()): Promise<SignedUrl> {
    const served = servedContentType(location);
    const contentDisposition = options.attachmentFileName
      ? attachmentDisposition(options.attachmentFileName)
      : served.isImage
        ? 'inline'
        : 'attachment';
    const from = readLinkWindow(now, options.ttlMinutes * 60_000).windowStart;
    return this.signedUrl(location, 'r', from, this.readUrlExpiry(options, now), { contentType: served.contentType, contentDisposition });
  }

  /** When a read link made now with these options expires. */
  readUrlExpiry(options: Pick<ReadUrlOptions, 'ttlMinutes' | 'notAfter'>, now = new Date()): Date {
    const { expiresOn } = readLinkWindow(now, options.ttlMinutes * 60_000);
    return options.notAfter && options.notAfter < expiresOn ? options.notAfter : expiresOn;
  }

  /** The one place a SAS is made: blob scope, the given permissions, started a little before `from`. */
  private async signedUrl(
    location: BlobLocation,
    permissions: 'c' | 'r',
    from: Date,
    expiresAt: Date,
    response?: { contentType: string; contentDisposition: string },
  ): Promise<SignedUrl> {
    const startsOn = new Date(from.getTime() - SAS_START_SKEW_MS);
    const key = `${permissions}\n${location.container}/${location.name}\n${startsOn.getTime()}\n${expiresAt.getTime()}\n${response?.contentType ?? ''}\n${response?.contentDisposition ?? ''}`;
    let query = permissions === 'r' ? this.signedReadLinks.get(key) : undefined;
    if (query === undefined) {
      query = await this.signer.sign({
        containerName: location.container,
        blobName: location.name,
        permissions: BlobSASPermissions.parse(permissions),
        startsOn,
        expiresOn: expiresAt,
        protocol: this.signer.protocol,
        ...response,
      });
      if (permissions === 'r') this.rememberReadLink(key, query);
    }
    return { url: `${this.urlOf(location)}?${query}`, expiresAt };
  }

  private rememberReadLink(key: string, query: string): void {
    if (this.signedReadLinks.size >= SIGNED_LINK_CACHE_SIZE) {
      // Maps iterate in insertion order: the first half are the oldest (most of them from past windows).
      let drop = SIGNED_LINK_CACHE_SIZE / 2;
      for (const old of this.signedReadLinks.keys()) {
        if (drop-- === 0) break;
        this.signedReadLinks.delete(old);
      }
    }
    this.signedReadLinks.set(key, query);
  }

  /** The blob's address, built as text: making SDK clients just to read it costs most of a page's signing. */
  private urlOf(location: BlobLocation): string {
    const path = location.name.split('/').map(encodeURIComponent).join('/');
    return `${this.client.url.replace(/\/$/, '')}/${location.container}/${path}`;
  }

  /** The blob's size in bytes, or undefined when it does not exist. */
  async sizeOf(location: BlobLocation): Promise<number | undefined> {
    try {
      const properties = await this.blob(location).getProperties();
      return properties.contentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The first `length` bytes (fewer if the blob is shorter). */
  async readStart(location: BlobLocation, length: number): Promise<Buffer> {
    return this.blob(location).downloadToBuffer(0, length);
  }

  async readAll(location: BlobLocation): Promise<Buffer> {
    return this.blob(location).downloadToBuffer();
  }

  async openReadStream(location: BlobLocation): Promise<Readable> {
    return (await this.download(location)).stream;
  }

  /** The blob's bytes as a stream with its length, or undefined when it does not exist. */
  async openSizedReadStream(location: BlobLocation): Promise<{ stream: Readable; size: number } | undefined> {
    try {
      return await this.download(location);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async download(location: BlobLocation): Promise<{ stream: Readable; size: number }> {
    const response = await this.blob(location).download();
    if (!response.readableStreamBody) throw new Error(`No body for blob ${location.container}/${location.name}`);
    return { stream: response.readableStreamBody as Readable, size: response.contentLength ?? 0 };
  }

  /**
   * Stages one block of a block blob (invisible until a commit names it). Staging again under the
   * same id replaces the block, so a writer that restarts from a recorded block id repeats its work
   * without leaving anything behind. Ids must all have the same length within a blob.
   */
  async stageBlock(location: BlobLocation, blockId: string, data: Buffer): Promise<void> {
    await this.ensureContainers();
    await this.blob(location).stageBlock(blockId, data, data.length);
  }

  /** Makes the blob exactly these staged blocks, in this order; staged blocks not named are dropped. */
  async commitBlocks(location: BlobLocation, blockIds: readonly string[], contentType: string): Promise<void> {
    await this.blob(location).commitBlockList([...blockIds], { blobHTTPHeaders: { blobContentType: contentType } });
  }

  /**
   * Uploads a local file, each block streamed from disk (memory stays small whatever its size), 8 MiB
   * blocks 4 at a time; returns the bytes written.
   */
  async uploadFile(location: BlobLocation, filePath: string, contentType: string, cacheControl?: string): Promise<number> {
    await this.ensureContainers();
    const { size } = await stat(filePath);
    await this.blob(location).uploadFile(filePath, {
      blockSize: UPLOAD_BLOCK_BYTES,
      maxSingleShotSize: UPLOAD_BLOCK_BYTES,
      concurrency: 4,
      blobHTTPHeaders: { blobContentType: contentType, blobCacheControl: cacheControl },
    });
    return size;
  }

  async upload(location: BlobLocation, data: Buffer, contentType: string, cacheControl?: string): Promise<number> {
    await this.ensureContainers();
    await this.blob(location).uploadData(data, { blobHTTPHeaders: { blobContentType: contentType, blobCacheControl: cacheControl } });
    return data.length;
  }

  /**
   * Writes the bytes only if no blob has that name yet. True when the blob now holds exactly these
   * bytes (written now, or by an earlier attempt with the same bytes: their MD5 is compared), false
   * when it holds other bytes, which are left alone.
   */
  async createOnce(location: BlobLocation, data: Buffer, contentType: string): Promise<boolean> {
    await this.ensureContainers();
    const md5 = createHash('md5').update(data).digest();
    try {
      await this.blob(location).uploadData(data, {
        blobHTTPHeaders: { blobContentType: contentType, blobContentMD5: md5 },
        conditions: { ifNoneMatch: '*' },
      });
      return true;
    } catch (error) {
      if (!(error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412))) throw error;
      const existing = await this.blob(location).getProperties();
      return existing.contentMD5 !== undefined && Buffer.from(existing.contentMD5).equals(md5);
    }
  }

  /**
   * One page of a container's blobs in name order, from an opaque continuation token (none: the
   * start); `next` is undefined after the last page.
   */
  async listPage(container: ContainerName, pageSize: number, continuation?: string): Promise<{ blobs: ListedBlob[]; next?: string }> {
    await this.ensureContainers();
    const pages = this.client
      .getContainerClient(container)
      .listBlobsFlat()
      .byPage({ maxPageSize: pageSize, continuationToken: continuation });
    const { value: page } = (await pages.next()) as IteratorResult<ContainerListBlobFlatSegmentResponse, undefined>;
    if (!page) return { blobs: [] };
    return {
      blobs: page.segment.blobItems.map((item) => ({
        location: { container, name: item.name },
        size: item.properties.contentLength ?? 0,
        lastModified: item.properties.lastModified,
      })),
      next: page.continuationToken || undefined,
    };
  }

  /**
   * A server-side copy inside the account (the bytes never pass through the app): the target is made
   * from a read link of the source that lives one minute. False when the source does not exist.
   */
  async copy(source: BlobLocation, target: BlobLocation, now = new Date()): Promise<boolean> {
    await this.ensureContainers();
    const readLink = await this.signedUrl(source, 'r', new Date(now.getTime() + 60_000), now);
    try {
      await this.blob(target).syncCopyFromURL(readLink.url);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Deletes the blob and its snapshots; a missing blob is not an error. */
  async delete(location: BlobLocation): Promise<void> {
    await this.blob(location).deleteIfExists({ deleteSnapshots: 'include' });
  }

  /** A cheap round trip for health checks. */
  async ping(): Promise<void> {
    await this.client.getContainerClient(CONTAINERS.originals).getProperties();
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 404;
}

/** RFC 6266 with an ASCII fallback and the UTF-8 name, so any title downloads with a sensible name. */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
