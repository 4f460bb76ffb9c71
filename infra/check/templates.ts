import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { get, parseBicep, type BicepFile, type ModuleDeclaration, type Node } from './bicepReader.js';

/**
 * The templates as the checks see them: every `.bicep` file under infra/, by repository path. A check
 * takes `Sources`, so that a test can hand it a copy with one error seeded in and see it fail.
 */
export type Sources = Readonly<Record<string, string>>;

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function readSources(): Sources {
  const folder = path.join(repositoryRoot, 'infra');
  return Object.fromEntries(
    readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.bicep'))
      .sort()
      .map((file) => [`infra/${file.split(path.sep).join('/')}`, readFileSync(path.join(folder, file), 'utf8')]),
  );
}

const parsedCache = new Map<string, BicepFile>();

/** The parsed template (cached by its text: checks parse the same files many times). */
export function parsed(sources: Sources, file: string): BicepFile {
  const source = sources[file];
  if (source === undefined) throw new Error(`${file} is not among the templates`);
  const key = `${file}\n${source}`;
  let result = parsedCache.get(key);
  if (!result) {
    result = parseBicep(file, source);
    parsedCache.set(key, result);
  }
  return result;
}

/** The file a module declaration points at, as a repository path. */
export function modulePath(from: string, module: ModuleDeclaration): string {
  return path.posix.join(path.posix.dirname(from), module.path);
}

/** The module of main.bicep that deploys `file` (e.g. `app/api.bicep`). */
export function moduleOf(main: BicepFile, file: string): ModuleDeclaration | undefined {
  return [...main.modules.values()].find((module) => module.path === file);
}

/** A copy of the sources with one exact piece of text replaced (which must be there exactly once). */
export function edited(sources: Sources, file: string, from: string, to: string): Sources {
  const source = sources[file];
  if (source === undefined) throw new Error(`${file} is not among the templates`);
  if (source.split(from).length !== 2) throw new Error(`${file} does not contain ${JSON.stringify(from)} exactly once`);
  return { ...sources, [file]: source.replace(from, to) };
}

/** The product settings main.bicep gives the Function App (app/api-settings.bicep). */
export function appSettings(sources: Sources): { main: BicepFile; settings: Map<string, Node> } {
  const main = parsed(sources, 'infra/main.bicep');
  const settings = get(moduleOf(main, 'app/api-settings.bicep')?.value, 'params.appSettings');
  if (settings?.kind !== 'object') throw new Error('main.bicep passes no appSettings object to app/api-settings.bicep');
  return { main, settings: settings.entries };
}

/** Source files of a folder (`functions`, `shared`), tests left out. */
export function codeSources(directory: string): string[] {
  const absolute = path.join(repositoryRoot, directory);
  return readdirSync(absolute, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => readFileSync(path.join(absolute, file), 'utf8'));
}

export function migrationScripts(): string[] {
  const folder = path.join(repositoryRoot, 'prisma', 'migrations');
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('migration.sql'))
    .map((file) => readFileSync(path.join(folder, file), 'utf8'));
}
