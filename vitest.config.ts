import { defineConfig } from 'vitest/config';

/**
 * Three projects, told apart by file name (test/testProjects.test.ts keeps the split honest):
 * - `unit`: `*.test.ts`, no service at all, seconds for the lot (`npm run test:unit`);
 * - `integration`: `*.integration.test.ts`, against the run's real Azurite and PostgreSQL (each file
 *   clones its own database from the template the global setup migrates), the embedded database, or
 *   the remover's segmentation on synthetic photos (no service, but tens of seconds of CPU);
 * - `e2e`: `*.e2e.test.ts`, the product through the devhost (and the gallery page in Chromium), each
 *   file with an Azurite of its own and a database cloned from the template.
 * `npm test` runs all three.
 */
const exclude = ['node_modules/**', 'dist/**', '.data/**', '.deploy/**'];
const generatedClient = 'test/setup/generatedClient.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...exclude, '**/*.integration.test.ts', '**/*.e2e.test.ts'],
          // Files share their worker's modules, which more than halves the run: unit tests keep no state between files.
          isolate: false,
          globalSetup: [generatedClient],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.integration.test.ts'],
          exclude,
          globalSetup: [generatedClient, 'test/setup/azurite.ts', 'test/setup/database.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['**/*.e2e.test.ts'], exclude, globalSetup: [generatedClient, 'test/setup/database.ts'] },
      },
    ],
  },
});
