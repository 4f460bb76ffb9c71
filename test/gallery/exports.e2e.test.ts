import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportListSchema, exportResourceSchema, type ExportResource } from '../../shared/exports/exportSchemas.js';
import { exportBlob } from '../../shared/storage/blobPaths.js';
import { seedStoredImage, type SeededImage } from '../support/seedImages.js';
import { seedUser } from '../support/seedUser.js';
import { startTestApp, type TestApp } from '../support/testApp.js';
import { unzip } from '../support/unzip.js';
import { testWithUnzip } from '../support/unzipCli.js';

describe('gallery exports through the devhost', () => {
  let app: TestApp;
  let folder: string;
  let ann: string;
  let ben: string;
  const tagged: SeededImage[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    folder = await mkdtemp(path.join(tmpdir(), 'detour-export-e2e-'));
    await seedUser(app.db, 'export-ann');
    await seedUser(app.db, 'export-ben');
    ann = await app.tokenFor('export-ann');
    ben = await app.tokenFor('export-ben');
    for (let n = 0; n < 24; n += 1) {
      const seeded = await seedStoredImage(app.db, app.blobs, 'export-ann', { title: `Photo ${n}`, tags: n % 2 ? ['odd'] : [] });
      if (n % 2) tagged.push(seeded);
    }
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
    await app?.stop();
  });

  async function waitUntilSettled(id: string, token: string): Promise<ExportResource> {
    for (;;) {
      const response = await app.api('GET', `/api/exports/${id}`, { token });
      expect(response.status).toBe(200);
      const resource = exportResourceSchema.parse(response.body);
      if (resource.status !== 'queued' && resource.status !== 'running') return resource;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('refuses a bad request precisely, and starts nothing', async () => {
    for (const body of [
      { ids: [] },
      { ids: ['not an id'] },
      { ids: [tagged[0]!.image.id], filter: { tags: 'odd' } },
      { filter: { favorite: 'maybe' } },
      { filter: { colour: 'red' } },
      { variant: 'thumbnail' },
    ]) {
      const response = await app.api('POST', '/api/exports', { token: ann, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
    }
    expect(await app.db.galleryExport.count()).toBe(0);
  });

  it('exports a filter of the gallery in the background, and the ready ZIP downloads and unzips byte-identical', async () => {
    const started = await app.api('POST', '/api/exports', { token: ann, body: { filter: { tags: 'odd' } } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'queued', url: null, variant: 'processed' });

    const ready = await waitUntilSettled(started.body.id, ann);
    expect(ready).toMatchObject({ status: 'ready', progress: { done: 12, total: 12 }, skipped: [], skippedCount: 0 });
    expect(Date.parse(ready.expiresAt!) - Date.parse(ready.createdAt)).toBeGreaterThan(23 * 3_600_000);

    const download = await fetch(ready.url!);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="detour-export-/);
    const zip = Buffer.from(await download.arrayBuffer());
    expect(zip.length).toBe(ready.progress.bytes);
    const zipPath = path.join(folder, 'export.zip');
    await writeFile(zipPath, zip);
    expect(await testWithUnzip(zipPath)).toContain('No errors detected');
    const entries = await unzip(zip);
    expect(entries.size).toBe(13);
    for (const seeded of tagged)
      expect(entries.get(`${seeded.image.title.replace(' ', '-')}_${seeded.image.id}.png`)).toEqual(seeded.processed);
    expect(entries.get('MANIFEST.txt')!.toString('utf8')).toContain(started.body.id);

    const listed = await app.api('GET', '/api/exports', { token: ann });
    expect(exportListSchema.parse(listed.body).exports.map((item) => item.id)).toEqual([started.body.id]);
  });

  it('hides one user’s export from another: 404 to read or delete it, and an empty list', async () => {
    const [mine] = exportListSchema.parse((await app.api('GET', '/api/exports', { token: ann })).body).exports;
    expect((await app.api('GET', `/api/exports/${mine!.id}`, { token: ben })).status).toBe(404);
    expect((await app.api('DELETE', `/api/exports/${mine!.id}`, { token: ben })).status).toBe(404);
    expect((await app.api('GET', '/api/exports', { token: ben })).body).toEqual({ exports: [] });
    expect((await app.api('GET', `/api/exports/${mine!.id}`, { token: ann })).body.status).toBe('ready');
  });

  it('runs one export per user at a time (409 export_in_progress), and a cancelled one stops without a ZIP', async () => {
    const first = await app.api('POST', '/api/exports', { token: ann, body: { variant: 'both' } });
    expect(first.status).toBe(202);
    const second = await app.api('POST', '/api/exports', { token: ann, body: {} });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'export_in_progress', details: { exportId: first.body.id } });
    // Another user is not held up by it.
    const bens = await app.api('POST', '/api/exports', { token: ben, body: {} });
    expect(bens.status).toBe(202);

    expect((await app.api('DELETE', `/api/exports/${first.body.id}`, { token: ann })).status).toBe(204);
    expect((await app.api('GET', `/api/exports/${first.body.id}`, { token: ann })).status).toBe(404);
    const benReady = await waitUntilSettled(bens.body.id, ben);
    expect(benReady).toMatchObject({ status: 'ready', progress: { done: 0, total: 0 } });
    expect((await app.api('DELETE', `/api/exports/${bens.body.id}`, { token: ben })).status).toBe(204);
    // The cancelled export's orchestration stops at its next step, and no archive is ever committed.
    await vi.waitFor(
      () =>
        expect(app.logs.some((line) => line.includes(`"exportId":"${first.body.id}"`) && line.includes('"state":"stopped"'))).toBe(true),
      { timeout: 15_000, interval: 100 },
    );
    expect(await app.blobs.sizeOf(exportBlob('export-ann', first.body.id))).toBeUndefined();
  });

  it('deletes a finished export with its ZIP', async () => {
    const [mine] = exportListSchema.parse((await app.api('GET', '/api/exports', { token: ann })).body).exports;
    expect((await app.api('DELETE', `/api/exports/${mine!.id}`, { token: ann })).status).toBe(204);
    expect((await app.api('GET', `/api/exports/${mine!.id}`, { token: ann })).status).toBe(404);
    expect((await fetch(mine!.url!)).status).toBe(404);
  });
});
