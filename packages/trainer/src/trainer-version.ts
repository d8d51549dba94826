/**
 * Version of the training procedure. Bump it whenever a change can alter any result
 * (network, initialisation order, PRNG use, update rule, data order): it is part of every
 * trial's identity, so stored results of an older procedure are never reused for a newer one.
 */
export const TRAINER_VERSION = '5';

/**
 * Versions whose trial specs name a tfjs `backend` instead of a numeric family: their stored
 * results stay readable, and planning at such a version rebuilds their keys.
 */
export const BACKEND_KEYED_VERSIONS: readonly string[] = ['1', '2', '3', '4'];
