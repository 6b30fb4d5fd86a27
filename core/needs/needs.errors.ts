import { DomainError } from '../common/errors.js';

export type NeedErrorCode =
  | 'NEED.NOT_FOUND'
  | 'NEED.BAD_STATE'
  | 'NEED.MANAGER_NOT_FOUND'
  | 'NEED.DEALER_NOT_FOUND'
  | 'NEED.EMPTY_TEXT'
  | 'NEED.BAD_RATING';

/** A coded error of the needs capability; the reply layer turns it into Chinese. */
export class NeedError extends DomainError {
  constructor(
    readonly code: NeedErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
    this.name = 'NeedError';
  }
}
