import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One built file of the page, ready to send. */
export interface DashboardAsset {
  body: Buffer;
  contentType: string;
  /** Names with a content hash (Vite's `assets/`) never change, so they may be cached for good. */
  immutable: boolean;
}

export interface DashboardAssets {
  /** The page itself, served at `/`. */
  index: DashboardAsset;
  /** Everything under `assets/`, by file name. */
  files: ReadonlyMap<string, DashboardAsset>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Where `vite build` writes the page: beside this module once compiled (dist/web). */
const DEFAULT_DIR = fileURLToPath(new URL('./web/', import.meta.url));

/**
 * The built page, read once into memory (a few files, about 100 KB). Null when it has not been
 * built: the API still serves everything else, and `/` says how to build it.
 */
export function loadDashboardAssets(dir: string = DEFAULT_DIR): DashboardAssets | null {
  const indexFile = path.join(dir, 'index.html');
  if (!existsSync(indexFile)) return null;
  const files = new Map<string, DashboardAsset>();
  const assetsDir = path.join(dir, 'assets');
  if (existsSync(assetsDir)) {
    for (const name of readdirSync(assetsDir)) {
      const type = TYPES[path.extname(name)];
      if (!type) continue;
      files.set(name, {
        body: readFileSync(path.join(assetsDir, name)),
        contentType: type,
        immutable: true,
      });
    }
  }
  return {
    index: { body: readFileSync(indexFile), contentType: TYPES['.html']!, immutable: false },
    files,
  };
}
