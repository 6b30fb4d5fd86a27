import { DomainError } from '../common/errors.js';

export type AccountErrorCode =
  | 'ACCOUNT.DEALER_NOT_FOUND'
  | 'ACCOUNT.MANAGER_NOT_FOUND'
  | 'ACCOUNT.BAD_PERIOD'
  | 'ACCOUNT.FUTURE_PERIOD';

/** A coded error of the accounts capability; the reply layer turns it into Chinese. */
export class AccountError extends DomainError {
  constructor(
    readonly code: AccountErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
    this.name = 'AccountError';
  }
}
