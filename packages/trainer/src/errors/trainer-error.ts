/** Base of every error the trainer throws: `code` is stable, the message is for people. */
export abstract class TrainerError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
