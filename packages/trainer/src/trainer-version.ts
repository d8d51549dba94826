/**
 * Version of the training procedure. Bump it whenever a change can alter any result
 * (network, initialisation order, PRNG use, update rule, data order): it is part of every
 * trial's identity, so stored results of an older procedure are never reused for a newer one.
 */
export const TRAINER_VERSION = '4';
