/**
 * The engines a trial can train on, apart from the runtime so that a program can validate a
 * choice (the CLI's environment, a sweep definition) without loading any engine.
 *
 *   native  the kernels as a Node addon (SSE, AVX2 or AVX-512, chosen at run time)
 *   wasm    the same kernels as WebAssembly: the same bits as native, slower
 *   tfjs    the same network through TensorFlow.js ops and autograd: an independent reference
 *
 * native and wasm are one numeric family, `kernels`: a trial's key names the family, not the
 * engine, so either may compute or reuse its result. tfjs is a family of its own.
 */
export type EngineName = 'native' | 'wasm' | 'tfjs';
export type EngineChoice = 'auto' | EngineName;
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'native', 'wasm', 'tfjs'];

export type NumericFamily = 'kernels' | 'tfjs';
export const NUMERIC_FAMILIES: readonly NumericFamily[] = ['kernels', 'tfjs'];

/** `auto` is native where the addon is built, else wasm: the kernels either way. */
export function numericFamilyOf(engine: EngineChoice): NumericFamily {
  return engine === 'tfjs' ? 'tfjs' : 'kernels';
}

/** What a worker may choose for the `kernels` trials it trains (SEEDSWEEP_ENGINE). */
export type KernelsEngineChoice = 'auto' | 'native' | 'wasm';
export const KERNELS_ENGINE_CHOICES: readonly KernelsEngineChoice[] = ['auto', 'native', 'wasm'];

/**
 * The one-line message for environment variables of trainer versions up to 4, which chose a
 * tfjs backend that no longer decides anything, or null when none is set. The caller passes its
 * environment: packages never read process.env.
 */
export function retiredEngineVariables(env: Record<string, string | undefined>): string | null {
  const set = ['TRAINER_BACKEND', 'REQUIRE_NATIVE_BACKEND'].filter((name) => env[name]);
  if (set.length === 0) return null;
  return (
    `${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} no longer read: set SEEDSWEEP_ENGINE ` +
    '(auto, native or wasm: the same results; a sweep asks for tfjs with training.engine)'
  );
}
