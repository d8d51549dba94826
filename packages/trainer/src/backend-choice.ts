/**
 * The backend names, apart from backend.ts so that a program can validate a choice (the CLI's
 * environment, a sweep definition) without loading TensorFlow.js: `@seedsweep/trainer/backend-choice`.
 */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];
