/** A stored value that does not have the shape this version writes: corrupt or foreign data. */
export class StoreError extends Error {
  constructor(
    readonly code: 'CORRUPT_RECORD' | 'SWEEP_EXISTS',
    message: string,
    readonly details: { key: string },
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
