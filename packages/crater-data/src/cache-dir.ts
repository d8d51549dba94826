import path from 'node:path';
import { DATASET_COMMIT } from './checksums.js';

/**
 * Where downloaded dataset files live by default: `$XDG_CACHE_HOME/seedsweep/crater-dataset/
 * <commit>`, or `<home>/.cache/...` when XDG_CACHE_HOME is unset or relative (the XDG spec says
 * to ignore relative values). The environment is a parameter because packages never read it;
 * the CLI passes `process.env` and `os.homedir()`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv, home: string): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.cache');
  return path.join(base, 'seedsweep', 'crater-dataset', DATASET_COMMIT);
}
