import { type Kysely, sql } from 'kysely';
import type { MpSessionStore } from '../../core/messaging/ports.js';
import type { Database } from '../schema.js';

/** MpSessionStore on Kysely: `mp_sessions`, one row per openid. */
export class KyselyMpSessionStore implements MpSessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async open(openid: string, at: Date, quota: number, until: Date): Promise<void> {
    // An open window keeps the larger quota and the later deadline; a closed one starts over.
    await this.db
      .insertInto('mp_sessions')
      .values({ openid, quota_left: quota, window_until: until, updated_at: at })
      .onConflict((oc) =>
        oc.column('openid').doUpdateSet({
          quota_left: sql`case when mp_sessions.window_until > ${at} then greatest(mp_sessions.quota_left, ${quota}) else ${quota} end`,
          window_until: sql`greatest(mp_sessions.window_until, ${until})`,
          updated_at: at,
        }),
      )
      .execute();
  }

  async takeSlot(openid: string, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('mp_sessions')
      .set((eb) => ({ quota_left: eb('quota_left', '-', 1), updated_at: now }))
      .where('openid', '=', openid)
      .where('window_until', '>', now)
      .where('quota_left', '>', 0)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async releaseSlot(openid: string): Promise<void> {
    await this.db
      .updateTable('mp_sessions')
      .set((eb) => ({ quota_left: eb('quota_left', '+', 1) }))
      .where('openid', '=', openid)
      .execute();
  }

  async close(openid: string): Promise<void> {
    await this.db.updateTable('mp_sessions').set({ quota_left: 0 }).where('openid', '=', openid).execute();
  }
}
