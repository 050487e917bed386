import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type PluginOption } from 'vite';

// The UI is served by `doppel serve` from dist on the same origin as the API; in development Vite proxies the API
// (REST and WebSocket) to a server on DOPPEL_API (default http://127.0.0.1:8080).
const api = process.env.DOPPEL_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  // The React plugin is hoisted next to vitest's Vite, a newer major than this app's: same plugin API, other types.
  plugins: [react() as unknown as PluginOption],
  resolve: { conditions: ['@doppel/source', 'browser', 'module', 'import', 'default'] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 900 },
  server: {
    proxy: {
      '/api': { target: api, ws: true },
      '/health': api,
      '/openapi.json': api,
    },
  },
});
