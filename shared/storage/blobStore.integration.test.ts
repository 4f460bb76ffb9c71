import { AnonymousCredential, AppendBlobClient, BlobClient, BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { CONTAINERS, intakeBlob, originalBlob, processedBlob } from './blobPaths.js';
import { BlobStore } from './blobStore.js';
import { readLinkWindow } from './sasSigner.js';
import { storageStatusOf } from '../../test/support/storageStatus.js';

const bytes = (text: string) => Buffer.from(text);

const statusOf = (attempt: () => Promise<unknown>) => storageStatusOf(attempt, 200);

describe('BlobStore SAS links against Azurite', () => {
  let store: BlobStore;
  const mine = intakeBlob('sas-user', 'clsasmine000000000000001');
  const otherIntake = intakeBlob('sas-user', 'clsasother00000000000001');
  const other = originalBlob('sas-user', 'clsasother00000000000001', 'image/png');

  beforeAll(async () => {
    store = BlobStore.fromSettings({ connectionString: inject('azuriteConnectionString') });
    await store.ensureContainers();
    await store.upload(other, bytes('someone else'), 'image/png');
    await store.upload(otherIntake, bytes('someone else'), 'image/png');
  });

  it('lets an upload SAS create its one intake blob', async () => {
    const { url, expiresAt } = await store.createUploadUrl(mine, 10);
    await new BlockBlobClient(url).uploadData(bytes('my photo'), { blobHTTPHeaders: { blobContentType: 'image/png' } });
    expect((await store.readAll(mine)).toString()).toBe('my photo');
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    expect(new URL(url).searchParams.get('sp')).toBe('c');
  });

  it('signs upload links for the intake only', async () => {
    await expect(store.createUploadUrl(other, 10)).rejects.toThrow(/uploads/);
  });

  it('refuses an upload SAS what needs write or add: blocks, appends, properties, metadata', async () => {
    const target = intakeBlob('sas-user', 'clsascreateonly00000001');
    const { url } = await store.createUploadUrl(target, 10);
    expect(await statusOf(() => new BlockBlobClient(url).stageBlock(Buffer.from('b1').toString('base64'), bytes('x'), 1))).toBe(403);
    const append = new AppendBlobClient(url, new AnonymousCredential());
    await append.create();
    expect(await statusOf(() => append.appendBlock(bytes('more'), 4))).toBe(403);
    const blob = new BlobClient(url);
    expect(await statusOf(() => blob.setHTTPHeaders({ blobContentType: 'text/html' }))).toBe(403);
    expect(await statusOf(() => blob.setMetadata({ a: 'b' }))).toBe(403);
    expect(await statusOf(() => blob.delete())).toBe(403);
  });

  it('refuses an upload SAS for reading, for another blob and for listing', async () => {
    const { url } = await store.createUploadUrl(mine, 10);
    expect(await statusOf(() => new BlockBlobClient(url).downloadToBuffer())).toBe(403);

    const forged = new URL(url);
    forged.pathname = forged.pathname.replace(mine.name.split('/')[1]!, otherIntake.name.split('/')[1]!);
    expect(await statusOf(() => new BlockBlobClient(forged.toString()).uploadData(bytes('overwrite')))).toBe(403);
    expect((await store.readAll(otherIntake)).toString()).toBe('someone else');
    const toOriginals = new URL(url);
    toOriginals.pathname = toOriginals.pathname.replace(`/${CONTAINERS.uploads}/`, `/${CONTAINERS.originals}/`);
    expect(await statusOf(() => new BlockBlobClient(toOriginals.toString()).uploadData(bytes('overwrite')))).toBe(403);

    const containerUrl = `${url.slice(0, url.indexOf(`/${mine.container}/`) + mine.container.length + 1)}?${new URL(url).searchParams.toString()}`;
    expect(await statusOf(() => new ContainerClient(containerUrl).listBlobsFlat().next())).toBe(403);
  });

  it('refuses an expired upload SAS', async () => {
    const issuedLongAgo = new Date(Date.now() - 20 * 60_000);
    const { url, expiresAt } = await store.createUploadUrl(intakeBlob('sas-user', 'clsasexpired00000000001'), 10, issuedLongAgo);
    expect(expiresAt.getTime()).toBeLessThan(Date.now());
    expect(await statusOf(() => new BlockBlobClient(url).uploadData(bytes('late')))).toBe(403);
  });

  it('gives a read SAS read access only, capped by notAfter, with an attachment name', async () => {
    const notAfter = new Date(Date.now() + 5 * 60_000);
    const { url, expiresAt } = await store.createReadUrl(other, { ttlMinutes: 60, notAfter, attachmentFileName: 'Mon chat.png' });
    expect(expiresAt).toEqual(notAfter);
    const blob = new BlockBlobClient(url);
    const download = await blob.download();
    expect(download.contentDisposition).toContain('attachment; filename="Mon chat.png"');
    expect(download.contentType).toBe('image/png');
    expect(await statusOf(() => blob.uploadData(bytes('tampered')))).toBe(403);
    expect(await statusOf(() => blob.delete())).toBe(403);
    expect((await store.readAll(other)).toString()).toBe('someone else');
  });

  it('pins the type and disposition of every read link, whatever the blob says of itself', async () => {
    const page = originalBlob('sas-user', 'clsaspage00000000000001', 'image/png');
    await store.upload(page, bytes('<html><script>alert(1)</script></html>'), 'text/html');
    const inline = await fetch((await store.createReadUrl(page, { ttlMinutes: 5 })).url);
    expect(inline.headers.get('content-type')).toBe('image/png');
    expect(inline.headers.get('content-disposition')).toBe('inline');
    const intake = await fetch((await store.createReadUrl(otherIntake, { ttlMinutes: 5 })).url);
    expect(intake.headers.get('content-type')).toBe('application/octet-stream');
    expect(intake.headers.get('content-disposition')).toBe('attachment');
  });

  it('creates a blob once: the same bytes again are fine, other bytes are refused and change nothing', async () => {
    const once = originalBlob('sas-user', 'clsasonce00000000000001', 'image/jpeg');
    expect(await store.createOnce(once, bytes('checked'), 'image/jpeg')).toBe(true);
    expect(await store.createOnce(once, bytes('checked'), 'image/jpeg')).toBe(true);
    expect(await store.createOnce(once, bytes('different'), 'image/jpeg')).toBe(false);
    expect((await store.readAll(once)).toString()).toBe('checked');
  });

  it('lists a container page by page from a continuation token', async () => {
    for (const id of ['clsaslist00000000000001', 'clsaslist00000000000002', 'clsaslist00000000000003']) {
      await store.upload(processedBlob('sas-list', id), bytes(id), 'image/png');
    }
    const names: string[] = [];
    let continuation: string | undefined;
    do {
      const page = await store.listPage(CONTAINERS.processed, 2, continuation);
      expect(page.blobs.length).toBeLessThanOrEqual(2);
      names.push(...page.blobs.map((blob) => blob.location.name).filter((name) => name.startsWith('sas-list/')));
      continuation = page.next;
    } while (continuation);
    expect(names).toEqual(
      ['clsaslist00000000000001', 'clsaslist00000000000002', 'clsaslist00000000000003'].map((id) => `sas-list/${id}_processed.png`),
    );
  });

  it('gives a blob the same read link, byte for byte, throughout a window, and a new one in the next', async () => {
    const ttlMinutes = 60;
    const { windowStart } = readLinkWindow(new Date(), ttlMinutes * 60_000);
    const later = (ms: number) => new Date(windowStart.getTime() + ms);
    const first = await store.createReadUrl(other, { ttlMinutes }, windowStart);
    const last = await store.createReadUrl(other, { ttlMinutes }, later(15 * 60_000 - 1));
    expect(last).toEqual(first);
    expect(first.expiresAt).toEqual(store.readUrlExpiry({ ttlMinutes }, later(60_000)));
    expect(await (await fetch(first.url)).text()).toBe('someone else');

    const next = await store.createReadUrl(other, { ttlMinutes }, later(15 * 60_000));
    expect(next.url).not.toBe(first.url);
    expect(next.expiresAt.getTime() - first.expiresAt.getTime()).toBe(15 * 60_000);
    // Another blob, or the same one as an attachment, gets a link of its own.
    expect((await store.createReadUrl(mine, { ttlMinutes }, windowStart)).url).not.toBe(first.url);
    expect((await store.createReadUrl(other, { ttlMinutes, attachmentFileName: 'a.png' }, windowStart)).url).not.toBe(first.url);
  });

  it('writes the Cache-Control it is given', async () => {
    const cached = processedBlob('sas-user', 'clsascached000000000001');
    await store.upload(cached, bytes('cut-out'), 'image/png', 'private, max-age=60, immutable');
    const { url } = await store.createReadUrl(cached, { ttlMinutes: 5 });
    expect((await fetch(url)).headers.get('cache-control')).toBe('private, max-age=60, immutable');
  });

  it('signs links that work for every character a user id may have', async () => {
    const odd = originalBlob('auth0|A.b_c-d@example.com', 'clsasodd000000000000001', 'image/png');
    await store.upload(odd, bytes('odd name'), 'image/png');
    const { url } = await store.createReadUrl(odd, { ttlMinutes: 5 });
    expect(await (await fetch(url)).text()).toBe('odd name');
  });

  it('reports sizes and treats missing blobs as absent', async () => {
    expect(await store.sizeOf(other)).toBe('someone else'.length);
    expect(await store.sizeOf(processedBlob('sas-user', 'clsasmissing0000000001'))).toBeUndefined();
    await store.delete(processedBlob('sas-user', 'clsasmissing0000000001'));
  });
});
