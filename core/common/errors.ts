/**
 * A coded domain error: core throws these, the edge turns them into dealer-facing Chinese or HTTP statuses.
 * `details` carries the values the message needs (never secrets).
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
