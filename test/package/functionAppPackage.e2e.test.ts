import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type RunningAzurite } from '../../devhost/azurite.js';
import { findEntryFiles, loadApp } from '../../devhost/loadApp.js';
import { buildPackage, PACKAGE_DIRECTORY, type PackageSummary } from '../../scripts/package.js';
import { signLocalToken } from '../../shared/auth/signLocalToken.js';
import { BlobStore } from '../../shared/storage/blobStore.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The deployment package as `npm run package` makes it (from the build `npm test` made first), copied
 * into an empty folder outside the repository, run by the devhost in a process of its own with nothing
 * installed: every function the code declares registers, the API answers, the Prisma client queries,
 * sharp loads its Linux binaries, and nothing of the development tree came along.
 */

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SECRET = 'package-test-jwt-secret-0123456789abcdef';

describe(`the deployment package (${PACKAGE_DIRECTORY})`, () => {
  let workspace: string;
  let appFolder: string;
  let summary: PackageSummary;
  let azurite: RunningAzurite;
  let database: TestDatabase;
  let host: ChildProcess;
  let baseUrl: string;
  let registered: string[];
  const output: string[] = [];

  beforeAll(async () => {
    workspace = await mkdtemp(path.join(os.tmpdir(), 'detour-package-'));
    summary = await buildPackage({ target: path.join(workspace, 'built'), build: false });
    appFolder = path.join(workspace, 'app');
    await cp(summary.target, appFolder, { recursive: true });
    await rm(summary.target, { recursive: true, force: true });

    [azurite, database] = await Promise.all([startAzurite(), createTestDatabase()]);
    // In Azure the templates create the containers (infra/app/data-storage.bicep).
    await BlobStore.fromSettings({ connectionString: azurite.connectionString }).ensureContainers();
    host = spawn(process.execPath, [path.join(repositoryRoot, 'dist/devhost/main.js'), '--app', appFolder, '--port', '0'], {
      cwd: appFolder,
      env: {
        PATH: process.env.PATH,
        DETOUR_ENV: 'test',
        AzureWebJobsStorage: azurite.connectionString,
        DataStorage: azurite.connectionString,
        DATABASE_URL: database.url,
        AUTH_JWT_SECRET: SECRET,
        REMOVER_URL: 'http://127.0.0.1:9/remove',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    host.stdout!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    host.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    baseUrl = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const url = /Host listening on (http:\/\/\S+)/.exec(output.join(''))?.[1];
        if (url) resolve(url);
      }, 50);
      host.once('exit', (code) => reject(new Error(`the devhost exited with ${code}:\n${output.join('')}`)));
      void once(host, 'exit').finally(() => clearInterval(poll));
    });
    registered = [...output.join('').matchAll(/^ {2}(\w+): /gm)].map((match) => match[1]!).sort();
  }, 240_000);

  afterAll(async () => {
    if (host && host.exitCode === null) {
      host.kill('SIGTERM');
      await once(host, 'exit');
    }
    await database?.drop();
    await azurite?.stop();
    if (workspace) await rm(workspace, { recursive: true, force: true });
  });

  it('holds the compiled functions and shared code, host.json and production dependencies, and nothing else', async () => {
    expect((await readdir(appFolder)).sort()).toEqual(['dist', 'host.json', 'node_modules', 'package-lock.json', 'package.json']);
    expect((await readdir(path.join(appFolder, 'dist'))).sort()).toEqual(['functions', 'shared']);
    const manifest = JSON.parse(await readFile(path.join(appFolder, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.main).toBe('dist/functions/*.js');
    expect(manifest).not.toHaveProperty('devDependencies');
    expect(manifest).not.toHaveProperty('scripts');

    // Whatever the lockfile installs only for development (or as an optional peer of it) stays out.
    const lock = JSON.parse(await readFile(path.join(repositoryRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
    };
    const developmentOnly = Object.entries(lock.packages)
      .filter(
        ([name, entry]) => name.startsWith('node_modules/') && !name.includes('/node_modules/', 13) && (entry.dev || entry.devOptional),
      )
      .map(([name]) => name);
    expect(developmentOnly).toEqual(expect.arrayContaining(['node_modules/prisma', 'node_modules/azurite', 'node_modules/typescript']));
    const installed = new Set(await installedPackages(path.join(appFolder, 'node_modules')));
    expect(developmentOnly.filter((name) => installed.has(name))).toEqual([]);
    // sharp's native binaries for the Functions host (Linux x64, glibc).
    expect(installed).toContain('node_modules/@img/sharp-linux-x64');
    expect(installed).toContain('node_modules/@img/sharp-libvips-linux-x64');
  });

  it(`registers every function the code declares`, async () => {
    const declared = (await loadApp(findEntryFiles(repositoryRoot))).map((registration) => registration.name).sort();
    expect(declared.length).toBeGreaterThan(20);
    expect(registered).toEqual(declared);
  });

  it('answers GET /api/health with the database and storage it was given', async () => {
    const response = await fetch(`${baseUrl}/api/health`);
    expect(await response.json()).toEqual({ status: 'ok', checks: { database: 'ok', storage: 'ok' } });
    expect(response.status).toBe(200);
  });

  it('serves a signed-in request through the Prisma client and the storage SDK (an upload link)', async () => {
    const token = await signLocalToken({ userId: 'package-user', secret: SECRET });
    const response = await fetch(`${baseUrl}/api/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'cat.png', contentType: 'image/png', size: 1234 }),
    });
    const body = (await response.json()) as { image: { status: string }; upload: { url: string } };
    expect(response.status).toBe(201);
    expect(body.image.status).toBe('pending_upload');
    expect(body.upload.url).toMatch(/\/uploads\/package-user\/.+sig=/);
  });

  it("loads sharp's Linux binaries from the package alone", async () => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', "const { default: sharp } = await import('sharp'); console.log(sharp.versions.vips)"],
      {
        cwd: appFolder,
        env: { PATH: process.env.PATH },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const chunks: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(chunks.join('')).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('stays small: no source maps, type declarations or other databases\u2019 query compilers in node_modules', async () => {
    const files = await readdir(path.join(appFolder, 'node_modules'), { recursive: true });
    expect(files.filter((file) => /\.(map|d\.ts)$/.test(file))).toEqual([]);
    expect(files.filter((file) => /query_compiler_\w+_bg\.(mysql|sqlite|sqlserver|cockroachdb)\./.test(file))).toEqual([]);
    expect(summary.bytes).toBeLessThan(100 * 1024 * 1024);
  });
});

/** `node_modules/<name>` and `node_modules/@scope/<name>` of the top level of a node_modules folder. */
async function installedPackages(nodeModules: string): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    if (!entry.name.startsWith('@')) names.push(`node_modules/${entry.name}`);
    else for (const scoped of await readdir(path.join(nodeModules, entry.name))) names.push(`node_modules/${entry.name}/${scoped}`);
  }
  return names;
}
