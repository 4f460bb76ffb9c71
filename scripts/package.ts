import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * `npm run package`: the Function App's deployment package, built here and deployed as it is
 * (azure.yaml: `dist`, `remoteBuild: false`). It holds the compiled functions and shared code (the
 * generated Prisma client included), host.json, package.json, and the production dependencies installed
 * from the lockfile for the Functions host's platform (Linux x64, glibc), so sharp's native binaries
 * are the host's whatever machine builds it. Nothing of devhost/, remover/, test/, bench/ or web/.
 */

export const PACKAGE_DIRECTORY = '.deploy/api';

/** The compiled code the Functions host loads (package.json "main") and everything it imports. */
const COMPILED_FOLDERS = ['functions', 'shared'];

/** The platform of the Flex Consumption host, for npm's choice of optional native packages. */
const HOST_PLATFORM = ['--os=linux', '--cpu=x64', '--libc=glibc'];

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface PackageOptions {
  /** Where to write the package; default `.deploy/api` in the repository. */
  target?: string;
  /** Run `npm run build` first (default); a caller that has just built can skip it. */
  build?: boolean;
}

export interface PackageSummary {
  target: string;
  files: number;
  bytes: number;
}

export async function buildPackage(options: PackageOptions = {}): Promise<PackageSummary> {
  const target = path.resolve(repositoryRoot, options.target ?? PACKAGE_DIRECTORY);
  if (options.build ?? true) await run('npm', ['run', 'build'], repositoryRoot);

  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  for (const folder of COMPILED_FOLDERS) {
    await cp(path.join(repositoryRoot, 'dist', folder), path.join(target, 'dist', folder), {
      recursive: true,
      filter: (source) => !/\.test\.js(\.map)?$/.test(source),
    });
  }
  await cp(path.join(repositoryRoot, 'host.json'), path.join(target, 'host.json'));
  // Without its devDependencies, package.json leaves out what only they bring, the optional peers of
  // @prisma/client (the prisma CLI, TypeScript) among them; the lockfile pins every version that stays.
  const manifest = JSON.parse(await readFile(path.join(repositoryRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete manifest.scripts;
  delete manifest.devDependencies;
  await writeFile(path.join(target, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await cp(path.join(repositoryRoot, 'package-lock.json'), path.join(target, 'package-lock.json'));
  await run('npm', ['install', '--omit=dev', ...HOST_PLATFORM, '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], target);
  await prune(path.join(target, 'node_modules'), await databaseProvider());
  return { target, ...(await measure(target)) };
}

/**
 * Leaves out what Node never loads on the host: source maps and type declarations, the browser and
 * React Native builds of the Azure SDK, and Prisma's query compilers for databases other than ours.
 */
async function prune(nodeModules: string, provider: string): Promise<void> {
  const otherCompiler = new RegExp(`^query_compiler_\\w+_bg\\.(?!${provider}\\.)\\w+\\.`);
  for (const entry of await readdir(nodeModules, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const unused = entry.isFile()
      ? /\.(map|d\.ts|d\.mts|d\.cts)$/.test(entry.name) ||
        (entry.parentPath.endsWith(path.join('@prisma', 'client', 'runtime')) && otherCompiler.test(entry.name))
      : entry.isDirectory() &&
        ['browser', 'react-native'].includes(entry.name) &&
        entry.parentPath.includes(`${path.sep}@azure${path.sep}`) &&
        path.basename(entry.parentPath) === 'dist';
    if (unused) await rm(file, { recursive: true, force: true });
  }
}

/** The datasource provider of prisma/schema.prisma (`postgresql`). */
async function databaseProvider(): Promise<string> {
  const schema = await readFile(path.join(repositoryRoot, 'prisma', 'schema.prisma'), 'utf8');
  const provider = /datasource\s+\w+\s*\{[^}]*provider\s*=\s*"(\w+)"/.exec(schema)?.[1];
  if (!provider) throw new Error('prisma/schema.prisma names no datasource provider');
  return provider;
}

async function measure(folder: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files += 1;
    bytes += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return { files, bytes };
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const summary = await buildPackage();
  const megabytes = (summary.bytes / 1024 / 1024).toFixed(1);
  console.log(
    `${path.relative(repositoryRoot, summary.target)}: ${summary.files} files, ${megabytes} MiB (azd deploy zips and uploads it).`,
  );
}
