import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard builds into dist/web, which `runmeter ui` serves; in `vite` dev mode the API is proxied to a running `runmeter ui`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { '/api': process.env.RUNMETER_UI_URL ?? 'http://127.0.0.1:8080' },
  },
});
