import { DomainError } from '../common/errors.js';

export type InsightErrorCode =
  | 'INSIGHT.DEALER_NOT_FOUND'
  | 'INSIGHT.STORE_NOT_FOUND'
  | 'INSIGHT.BAD_PERIOD'
  | 'INSIGHT.FUTURE_PERIOD';

/** A coded error of the insights capability; the reply layer turns it into Chinese. */
export class InsightError extends DomainError {
  constructor(
    readonly code: InsightErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
    this.name = 'InsightError';
  }
}
