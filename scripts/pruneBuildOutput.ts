import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Removes from a build folder every compiled file whose TypeScript source is gone. The incremental
 * build (`tsc` with `incremental`) never deletes outputs, and the host loads every `dist/functions/*.js`
 * (package.json `main`): after a pull that deletes or renames a function, its stale output would still
 * register, against code that no longer matches it. Returns the removed files, relative to the root.
 */
export async function pruneBuildOutput(root: string, outDir = 'dist'): Promise<string[]> {
  const removed: string[] = [];
  const output = path.join(root, outDir);
  if (!existsSync(output)) return removed;
  for (const entry of await readdir(output, { recursive: true, withFileTypes: true })) {
    const compiled = /^(.*)\.js(\.map)?$/.exec(entry.name);
    if (!entry.isFile() || !compiled) continue;
    const file = path.join(entry.parentPath, entry.name);
    const source = path.join(root, path.relative(output, entry.parentPath), `${compiled[1]}.ts`);
    if (existsSync(source)) continue;
    await rm(file);
    removed.push(path.relative(root, file));
  }
  return removed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  for (const file of await pruneBuildOutput(root)) console.log(`Removed ${file}: its source is gone.`);
}
