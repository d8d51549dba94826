/**
 * Base of every error this package throws on purpose. `code` is stable across releases, so
 * callers (the CLI, the API) branch on it instead of parsing messages.
 */
export abstract class SweepSpecError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
