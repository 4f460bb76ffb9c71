import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DevhostError } from './errors.js';
import { getRegistrations, installFunctionsCore, type FunctionRegistration } from './functionsCore.js';

/**
 * Loads a function app the way the Node worker does: the files named by package.json "main" (a path
 * or a glob such as `dist/functions/*.js`) are imported, and every `app.*` call they make is recorded.
 */

/** `*`, `?` and `**` globs (what "main" uses) to a regular expression over `/`-separated paths. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      const slashFollows = glob[i + 2] === '/';
      source += slashFollows ? '(?:.*/)?' : '.*';
      i += slashFollows ? 2 : 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** The app's entry files, sorted, as absolute paths. */
export function findEntryFiles(appRoot: string): string[] {
  const packageFile = path.join(appRoot, 'package.json');
  if (!existsSync(packageFile)) throw new DevhostError(`${appRoot} has no package.json.`);
  const main = (JSON.parse(readFileSync(packageFile, 'utf8')) as { main?: unknown }).main;
  if (typeof main !== 'string' || !main) throw new DevhostError(`${packageFile} has no "main" naming the function files.`);

  const pattern = main.replace(/\\/g, '/').replace(/^\.\//, '');
  const firstWildcard = pattern.search(/[*?]/);
  if (firstWildcard === -1) {
    const file = path.join(appRoot, pattern);
    if (!existsSync(file)) throw new DevhostError(`"main" names ${file}, which does not exist. Build the app first.`);
    return [file];
  }
  const baseFolder = pattern.slice(0, pattern.lastIndexOf('/', firstWildcard) + 1);
  const matcher = globToRegExp(pattern);
  const files = filesUnder(path.join(appRoot, baseFolder))
    .filter((file) => matcher.test(path.relative(appRoot, file).split(path.sep).join('/')))
    .sort();
  if (files.length === 0) throw new DevhostError(`No file matches "main" (${main}) under ${appRoot}. Build the app first.`);
  return files;
}

// An ES module runs once per process: what its first import registered is what it registers.
const registrationsByFile = new Map<string, readonly FunctionRegistration[]>();
let loading: Promise<unknown> = Promise.resolve();

async function importRecording(file: string): Promise<readonly FunctionRegistration[]> {
  const known = registrationsByFile.get(file);
  if (known) return known;
  const before = getRegistrations().length;
  try {
    await import(pathToFileURL(file).href);
  } catch (error) {
    throw new DevhostError(`Loading ${file} failed: ${(error as Error).message}`, { cause: error });
  }
  const added = getRegistrations().slice(before);
  registrationsByFile.set(file, added);
  return added;
}

/** Imports the entry files (one app at a time per process) and returns what they registered. */
export function loadApp(files: readonly string[]): Promise<FunctionRegistration[]> {
  installFunctionsCore();
  const loaded = loading.then(async () => {
    const registrations: FunctionRegistration[] = [];
    for (const file of files) registrations.push(...(await importRecording(file)));
    return registrations;
  });
  loading = loaded.catch(() => undefined);
  return loaded;
}
