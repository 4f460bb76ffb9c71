import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.data/**', '.deploy/**'],
    // Real Azurite and a real PostgreSQL for the whole run; each file gets its own database.
    globalSetup: ['test/setup/azurite.ts', 'test/setup/database.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
