import { ContactError } from './contacts.errors.js';
import type { LoggedContact } from './contacts.types.js';
import type { ContactLogStore } from './ports.js';

/** Longest note kept (the slot contract's limit). */
export const MAX_NOTE = 200;

/**
 * The manager's contact log (`am.contact.log`: "已联系D0012 聊了陈列"): one row per contact, only for the manager's
 * own dealers, with the contact recorded before it so the reply can say when the dealer was last reached.
 */
export class ContactLogService {
  constructor(private readonly store: ContactLogStore) {}

  async record(input: { managerCode: string; dealerCode: string; note: string; now: Date }): Promise<LoggedContact> {
    const note = input.note.trim().slice(0, MAX_NOTE);
    if (!note) throw new ContactError('CONTACT.EMPTY_NOTE', 'empty note');
    const manager = await this.store.manager(input.managerCode);
    if (!manager) {
      throw new ContactError('CONTACT.MANAGER_NOT_FOUND', 'not a manager', { managerCode: input.managerCode });
    }
    const dealerCode = input.dealerCode.trim().toUpperCase();
    // A dealer outside the manager's scope is reported exactly like one that does not exist.
    const dealer = await this.store.dealerInScope(manager, dealerCode);
    if (!dealer) throw new ContactError('CONTACT.DEALER_NOT_FOUND', 'no such dealer in scope', { dealerCode });
    const previous = await this.store.lastContact(dealer.code, input.now);
    const contact = await this.store.insert({
      managerCode: manager.code,
      dealerCode: dealer.code,
      note,
      contactedAt: input.now,
    });
    return { contact, dealer, previous };
  }
}
