import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The devhost is a Functions host, not part of any app: it could be lifted into another function
 * app unchanged. Nothing under devhost/ (its tests and fixture apps included) may import from outside
 * it but packages and Node's own modules.
 */

const devhostRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(): string[] {
  return readdirSync(devhostRoot, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs|cjs)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Every module specifier in `import … from`, `export … from`, `import(…)` and `require(…)`. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"`])([^'"`]+)\1/gm))
    found.push(match[2]!);
  return found;
}

describe('devhost/ stands alone', () => {
  it('imports nothing from outside devhost/ but packages and node: modules', () => {
    const leaving: string[] = [];
    for (const file of sourceFiles()) {
      for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
        if (!specifier.startsWith('.')) continue; // a package or node: module
        const target = path.resolve(path.dirname(file), specifier);
        if (target !== devhostRoot && !target.startsWith(devhostRoot + path.sep))
          leaving.push(`${path.relative(devhostRoot, file)} → ${specifier}`);
      }
    }
    expect(leaving).toEqual([]);
  });

  it('sees an import that leaves it (the check itself works)', () => {
    expect(specifiers(`import { x } from '../shared/config.js';\nconst y = await import("../remover/server.js");`)).toEqual([
      '../shared/config.js',
      '../remover/server.js',
    ]);
  });
});
