import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `pnpm build` runs this after `tsc -b` (the figures' browser entry is read from its dist/).
// The page is written beside the package's compiled code, where the API reads it from.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // One script and one stylesheet: nothing inline, so the API's CSP allows only 'self'.
    modulePreload: false,
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
