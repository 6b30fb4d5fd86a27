import type { Kysely } from 'kysely';
import type { KfStateStore } from '../../core/messaging/ports.js';
import type { Database } from '../schema.js';

/** KfStateStore on Kysely: `kf_cursors` and `kf_sessions`. */
export class KyselyKfStateStore implements KfStateStore {
  constructor(private readonly db: Kysely<Database>) {}

  async accounts(): Promise<string[]> {
    const rows = await this.db.selectFrom('kf_cursors').select('open_kfid').execute();
    return rows.map((r) => r.open_kfid);
  }

  async register(openKfid: string): Promise<void> {
    await this.db
      .insertInto('kf_cursors')
      .values({ open_kfid: openKfid, cursor: '' })
      .onConflict((oc) => oc.column('open_kfid').doNothing())
      .execute();
  }

  async cursor(openKfid: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('kf_cursors')
      .select('cursor')
      .where('open_kfid', '=', openKfid)
      .executeTakeFirst();
    return row?.cursor ?? null;
  }

  async moveCursor(openKfid: string, expected: string | null, next: string): Promise<boolean> {
    if (expected === null) {
      const r = await this.db
        .insertInto('kf_cursors')
        .values({ open_kfid: openKfid, cursor: next })
        .onConflict((oc) => oc.column('open_kfid').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows) === 1;
    }
    const r = await this.db
      .updateTable('kf_cursors')
      .set({ cursor: next, updated_at: new Date() })
      .where('open_kfid', '=', openKfid)
      .where('cursor', '=', expected)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async openWindow(externalUserId: string, openKfid: string, at: Date): Promise<void> {
    await this.db
      .insertInto('kf_sessions')
      .values({ external_userid: externalUserId, open_kfid: openKfid, last_inbound_at: at, sent_since_inbound: 0 })
      .onConflict((oc) =>
        oc
          .column('external_userid')
          .doUpdateSet({ open_kfid: openKfid, last_inbound_at: at, sent_since_inbound: 0 })
          .where('kf_sessions.last_inbound_at', '<=', at),
      )
      .execute();
  }

  async takeSlot(externalUserId: string, windowStart: Date, maxSends: number): Promise<string | null> {
    const row = await this.db
      .updateTable('kf_sessions')
      .set((eb) => ({ sent_since_inbound: eb('sent_since_inbound', '+', 1) }))
      .where('external_userid', '=', externalUserId)
      .where('last_inbound_at', '>', windowStart)
      .where('sent_since_inbound', '<', maxSends)
      .returning('open_kfid')
      .executeTakeFirst();
    return row?.open_kfid ?? null;
  }

  async releaseSlot(externalUserId: string): Promise<void> {
    await this.db
      .updateTable('kf_sessions')
      .set((eb) => ({ sent_since_inbound: eb('sent_since_inbound', '-', 1) }))
      .where('external_userid', '=', externalUserId)
      .where('sent_since_inbound', '>', 0)
      .execute();
  }
}
