import path from 'node:path';
import { cacheLayout } from './cache-layout.js';

/**
 * seedsweep's cache root by default: `$XDG_CACHE_HOME/seedsweep`, or `<home>/.cache/seedsweep`
 * when XDG_CACHE_HOME is unset or relative (the XDG spec says to ignore relative values). The
 * value is a parameter because packages never read the environment.
 */
export function defaultCacheRoot(xdgCacheHome: string | undefined, home: string): string {
  const base =
    xdgCacheHome && path.isAbsolute(xdgCacheHome) ? xdgCacheHome : path.join(home, '.cache');
  return path.join(base, 'seedsweep');
}

/**
 * Where downloaded dataset files live by default: `<cache root>/crater-dataset/<commit>`. The
 * environment is a parameter because packages never read it; callers pass `process.env` and
 * `os.homedir()`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv, home: string): string {
  return cacheLayout(defaultCacheRoot(env.XDG_CACHE_HOME, home)).downloads;
}
