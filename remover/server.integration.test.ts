import { BlobSASPermissions, BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PermanentRemoverError, requestCutout, TransientRemoverError } from '../shared/pipeline/requestCutout.js';
import { startRemoverServer, type RunningRemoverServer } from './server.js';
import { redDiscOnNoisyLight, scoreCutout, type Scene } from './testScenes.js';

/** The remover against real blob storage (Azurite), fetching originals through read SAS links. */

let remover: RunningRemoverServer;
let container: ContainerClient;
let disc: Scene;
const logged: Record<string, unknown>[] = [];

async function upload(name: string, bytes: Buffer, contentType: string): Promise<void> {
  await container.getBlockBlobClient(name).uploadData(bytes, { blobHTTPHeaders: { blobContentType: contentType } });
}

/** A read-only SAS link of one blob, valid from `startsOn` for `minutes`. */
function readUrl(name: string, minutes = 15, startsOn = new Date(Date.now() - 5 * 60_000)): Promise<string> {
  return container.getBlockBlobClient(name).generateSasUrl({
    permissions: BlobSASPermissions.parse('r'),
    startsOn,
    expiresOn: new Date(startsOn.getTime() + minutes * 60_000),
  });
}

function post(url: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Response> {
  return fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function errorOf(response: Response): Promise<{ code: string; message: string; details?: unknown }> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

/** A stand-in for storage that misbehaves: answers with `status`, or never answers. */
async function fakeStorage(behaviour: { status: number } | 'hang'): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    if (behaviour === 'hang') return;
    response.writeHead(behaviour.status, { 'content-type': 'application/xml' }).end('<Error><Code>ServerBusy</Code></Error>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/originals/u/img_original.jpg?sv=x&sig=y`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

beforeAll(async () => {
  sharp.concurrency(2);
  const service = BlobServiceClient.fromConnectionString(inject('azuriteConnectionString'));
  container = service.getContainerClient('remover-test');
  await container.createIfNotExists();
  disc = await redDiscOnNoisyLight();
  await upload('disc.jpg', disc.image, 'image/jpeg');
  await upload('page.jpg', Buffer.from('<!doctype html><title>not a photo</title>'), 'image/jpeg');
  remover = await startRemoverServer({ port: 0, log: (entry) => logged.push(entry) });
});

afterAll(async () => {
  await remover?.close();
});

describe('remover service: the cut-out', () => {
  it('answers GET /health', async () => {
    const response = await fetch(`${remover.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('cuts out the image behind a read SAS link: POST /remove-background → RGBA PNG and X-Quality', async () => {
    const response = await post(`${remover.url}/remove-background`, { image_url: await readUrl('disc.jpg') });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-quality')).toBe('excellent');
    const png = Buffer.from(await response.arrayBuffer());
    const score = await scoreCutout(png, disc);
    expect(score.channels).toBe(4);
    expect(score.object).toBeGreaterThan(0.97);
    expect(score.background).toBeGreaterThan(0.97);
  });

  it('accepts POST / too, and never logs the SAS signature', async () => {
    const url = await readUrl('disc.jpg');
    const response = await post(`${remover.url}/`, { image_url: url });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const signature = new URL(url).searchParams.get('sig')!;
    expect(JSON.stringify(logged)).not.toContain(signature);
    expect(logged.some((entry) => entry.status === 200 && entry.quality === 'excellent')).toBe(true);
  });

  it('works with the pipeline’s own client (requestCutout)', async () => {
    const cutout = await requestCutout({
      removerUrl: `${remover.url}/remove-background`,
      imageUrl: await readUrl('disc.jpg'),
      timeoutMs: 30_000,
    });
    expect(cutout.quality).toBe('excellent');
    const chunks: Buffer[] = [];
    for await (const chunk of cutout.png) chunks.push(chunk as Buffer);
    expect((await sharp(Buffer.concat(chunks)).metadata()).hasAlpha).toBe(true);

    // A missing blob is permanent for the pipeline; storage trouble is transient.
    await expect(
      requestCutout({ removerUrl: remover.url, imageUrl: await readUrl('missing.jpg'), timeoutMs: 30_000 }),
    ).rejects.toBeInstanceOf(PermanentRemoverError);
    const storage = await fakeStorage({ status: 503 });
    try {
      await expect(requestCutout({ removerUrl: remover.url, imageUrl: storage.url, timeoutMs: 30_000 })).rejects.toBeInstanceOf(
        TransientRemoverError,
      );
    } finally {
      await storage.close();
    }
  });
});

describe('remover service: errors', () => {
  it('answers 400 for bytes that are not an image', async () => {
    const response = await post(`${remover.url}/remove-background`, { image_url: await readUrl('page.jpg') });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('invalid_image');
  });

  it('answers 400 for a bad body', async () => {
    for (const body of [
      '{not json',
      '[]',
      '{}',
      JSON.stringify({ image_url: 42 }),
      JSON.stringify({ image_url: 'not a url' }),
      JSON.stringify({ image_url: 'file:///etc/passwd' }),
    ]) {
      const response = await post(`${remover.url}/remove-background`, body);
      expect(response.status, body).toBe(400);
      expect((await errorOf(response)).code).toBe('invalid_request');
    }
  });

  it('answers 415 for a body that is not JSON, 405 for other methods, 404 for other GETs', async () => {
    const text = await post(`${remover.url}/remove-background`, 'image_url=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(text.status).toBe(415);
    expect((await errorOf(text)).code).toBe('unsupported_media_type');
    const put = await fetch(`${remover.url}/remove-background`, { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST');
    await put.arrayBuffer();
    const get = await fetch(`${remover.url}/remove-background`);
    expect(get.status).toBe(404);
    await get.arrayBuffer();
  });

  it('answers 422 when storage refuses the URL: expired SAS, missing blob', async () => {
    const expired = await readUrl('disc.jpg', 10, new Date(Date.now() - 60 * 60_000));
    for (const url of [expired, await readUrl('missing.jpg')]) {
      const response = await post(`${remover.url}/remove-background`, { image_url: url });
      expect(response.status).toBe(422);
      const error = await errorOf(response);
      expect(error.code).toBe('image_unavailable');
      expect([403, 404]).toContain((error.details as { status: number }).status);
    }
  });

  it('answers 502 when storage answers 5xx, 504 when it does not answer in time', async () => {
    const failing = await fakeStorage({ status: 500 });
    const hanging = await fakeStorage('hang');
    const impatient = await startRemoverServer({ fetchTimeoutMs: 300 });
    try {
      const failed = await post(`${impatient.url}/remove-background`, { image_url: failing.url });
      expect(failed.status).toBe(502);
      expect((await errorOf(failed)).code).toBe('storage_error');
      const slow = await post(`${impatient.url}/remove-background`, { image_url: hanging.url });
      expect(slow.status).toBe(504);
      expect((await errorOf(slow)).code).toBe('storage_timeout');
    } finally {
      await impatient.close();
      await failing.close();
      await hanging.close();
    }
  });

  it('answers 413 for an image over the byte cap or the pixel cap', async () => {
    const small = await startRemoverServer({ maxImageBytes: 10_000 });
    const fewPixels = await startRemoverServer({ maxInputPixels: 100_000 });
    try {
      const url = await readUrl('disc.jpg');
      const tooBig = await post(`${small.url}/remove-background`, { image_url: url });
      expect(tooBig.status).toBe(413);
      expect((await errorOf(tooBig)).code).toBe('image_too_large');
      const tooMany = await post(`${fewPixels.url}/remove-background`, { image_url: url });
      expect(tooMany.status).toBe(413);
      expect((await errorOf(tooMany)).code).toBe('image_too_large');
    } finally {
      await small.close();
      await fewPixels.close();
    }
  });
});

describe('remover main', () => {
  it('starts on PORT, logs where it listens and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'remover/main.ts'], {
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/\S+?) /.exec(output);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
      });
      expect((await fetch(`${url}/health`)).status).toBe(200);
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
