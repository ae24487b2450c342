/** Input that cannot be accepted; `message` says what to fix and is safe to show to the sender. */
export class InvalidInputError extends Error {
  readonly code = 'invalid_input';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInputError';
  }
}
