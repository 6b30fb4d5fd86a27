import { DomainError } from '../common/errors.js';

export type ContactErrorCode = 'CONTACT.MANAGER_NOT_FOUND' | 'CONTACT.DEALER_NOT_FOUND' | 'CONTACT.EMPTY_NOTE';

/** A coded error of the contact log; the reply layer turns it into Chinese. */
export class ContactError extends DomainError {
  constructor(
    readonly code: ContactErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
    this.name = 'ContactError';
  }
}
