import { DomainError } from '../common/errors.js';

export type OrderErrorCode =
  | 'ORDER.NO_ITEMS'
  | 'ORDER.UNKNOWN_PRODUCT'
  | 'ORDER.QTY_INVALID'
  | 'ORDER.DEALER_NOT_FOUND'
  | 'ORDER.TOO_MANY_LINES'
  /** The unit said is not the product's and the product defines no factor for it: asked back, never converted. */
  | 'ORDER.UNIT_MISMATCH'
  /** A made-to-size request that misses an option, is out of range or names an option the product lacks. */
  | 'ORDER.CONFIG_INVALID'
  /** Sizes or options said for a product that is not made to size. */
  | 'ORDER.NOT_CONFIGURABLE';

/** A coded error of the orders capability; `details` carries what the dealer-facing message needs. */
export class OrderError extends DomainError {
  constructor(
    readonly code: OrderErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
    this.name = 'OrderError';
  }
}
