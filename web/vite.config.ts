import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

/** The devhost that `npm start` runs: the API and the dev-only token route, for `npm run web:dev`. */
const devhostOrigin = process.env.DETOUR_DEVHOST_ORIGIN ?? 'http://localhost:7071';

export default defineConfig({
  root: webRoot,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': devhostOrigin,
      '/dev': devhostOrigin,
    },
  },
});
