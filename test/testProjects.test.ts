import { describe, expect, it } from 'vitest';
import { importGraph, readRepositoryFile, type ImportEdge } from './support/repositoryFiles.js';

/**
 * Keeps vitest's projects (vitest.config.ts) honest: a `*.test.ts` file is a unit test and runs without
 * Azurite or PostgreSQL, so nothing it loads may read what the integration global setup provides or start
 * the services itself. Tests that need them are named `*.integration.test.ts` or `*.e2e.test.ts`.
 */

/** Support modules that start services of their own: the product, a whole test app, PgBouncer. */
const STARTS_SERVICES = ['test/support/product.ts', 'test/support/testApp.ts', 'test/support/pgBouncer.ts'];

const isUnitTest = (file: string) => file.endsWith('.test.ts') && !/\.(integration|e2e)\.test\.ts$/.test(file);

/** The global setup itself, or a module that reads what it provides (`inject` from vitest). */
function needsServices(file: string): boolean {
  return (
    file.startsWith('test/setup/') ||
    STARTS_SERVICES.includes(file) ||
    /import\s*\{[^}]*\binject\b[^}]*\}\s*from\s*'vitest'/.test(readRepositoryFile(file))
  );
}

/** For each unit test that loads (at run time) a module needing services, the chain of imports to it. */
function unitTestsNeedingServices(graph: Map<string, ImportEdge[]>, needs: (file: string) => boolean): string[] {
  const findings: string[] = [];
  for (const test of [...graph.keys()].filter(isUnitTest)) {
    const cameFrom = new Map<string, string>([[test, test]]);
    const queue = [test];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (needs(file)) {
        const chain = [file];
        while (chain[0] !== test) chain.unshift(cameFrom.get(chain[0]!)!);
        findings.push(chain.join(' → '));
        break;
      }
      for (const { target, typeOnly } of graph.get(file) ?? []) {
        if (typeOnly || cameFrom.has(target)) continue;
        cameFrom.set(target, file);
        queue.push(target);
      }
    }
  }
  return findings.sort();
}

describe('the unit project', () => {
  it('loads no module that needs Azurite, PostgreSQL or the product', () => {
    expect(unitTestsNeedingServices(importGraph(), needsServices)).toEqual([]);
  });

  it('is found out when a unit test reaches one, even through a helper or a type-only import that is not', () => {
    const graph = new Map<string, ImportEdge[]>([
      ['shared/a.test.ts', [{ target: 'shared/helper.ts', typeOnly: false }]],
      ['shared/helper.ts', [{ target: 'test/support/database.ts', typeOnly: false }]],
      ['shared/b.test.ts', [{ target: 'test/setup/database.ts', typeOnly: true }]],
      ['shared/c.integration.test.ts', [{ target: 'test/support/database.ts', typeOnly: false }]],
      ['test/support/database.ts', []],
      ['test/setup/database.ts', []],
    ]);
    const needs = (file: string) => file.startsWith('test/');
    expect(unitTestsNeedingServices(graph, needs)).toEqual(['shared/a.test.ts → shared/helper.ts → test/support/database.ts']);
  });
});
