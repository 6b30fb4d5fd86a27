import { describe, expect, it } from 'vitest';
import { ContactLogService } from './contact-log.service.js';
import type { ContactDealer, ContactManager, ContactRecord } from './contacts.types.js';
import type { ContactLogStore } from './ports.js';

/** Managers M1 (account: D1) and R1 (regional over M1); D2 belongs to someone else. */
class MemoryStore implements ContactLogStore {
  rows: ContactRecord[] = [];
  async manager(code: string): Promise<ContactManager | null> {
    return code === 'M1' ? { code, role: 'account' } : code === 'R1' ? { code, role: 'regional' } : null;
  }
  async dealerInScope(m: ContactManager, code: string): Promise<ContactDealer | null> {
    return code === 'D1' && (m.code === 'M1' || m.code === 'R1') ? { code, name: '一号门窗' } : null;
  }
  async lastContact(code: string, atOrBefore: Date): Promise<ContactRecord | null> {
    const rows = this.rows.filter((r) => r.dealerCode === code && r.contactedAt <= atOrBefore);
    return rows.sort((a, b) => b.contactedAt.getTime() - a.contactedAt.getTime() || b.id - a.id)[0] ?? null;
  }
  async insert(c: Omit<ContactRecord, 'id'>): Promise<ContactRecord> {
    const row = { ...c, id: this.rows.length + 1 };
    this.rows.push(row);
    return row;
  }
}

const t = (day: number) => new Date(Date.UTC(2026, 10, day, 2));

describe('ContactLogService', () => {
  it('records a contact with the one before it', async () => {
    const store = new MemoryStore();
    const s = new ContactLogService(store);
    const first = await s.record({ managerCode: 'M1', dealerCode: 'd1', note: ' 聊了陈列 ', now: t(1) });
    expect(first).toMatchObject({ dealer: { code: 'D1' }, previous: null, contact: { note: '聊了陈列', id: 1 } });
    const second = await s.record({ managerCode: 'R1', dealerCode: 'D1', note: '聊了回款', now: t(3) });
    expect(second.previous).toMatchObject({ id: 1, managerCode: 'M1', note: '聊了陈列' });
    expect(store.rows).toHaveLength(2);
  });

  it('reports a dealer out of scope exactly like an unknown one, and refuses empty notes and non-managers', async () => {
    const s = new ContactLogService(new MemoryStore());
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: { code: string }) => e.code,
      );
    expect(await codeOf(s.record({ managerCode: 'M1', dealerCode: 'D2', note: 'x', now: t(1) }))).toBe(
      'CONTACT.DEALER_NOT_FOUND',
    );
    expect(await codeOf(s.record({ managerCode: 'M1', dealerCode: 'D9', note: 'x', now: t(1) }))).toBe(
      'CONTACT.DEALER_NOT_FOUND',
    );
    expect(await codeOf(s.record({ managerCode: 'M1', dealerCode: 'D1', note: '  ', now: t(1) }))).toBe(
      'CONTACT.EMPTY_NOTE',
    );
    expect(await codeOf(s.record({ managerCode: 'X', dealerCode: 'D1', note: 'x', now: t(1) }))).toBe(
      'CONTACT.MANAGER_NOT_FOUND',
    );
  });
});
