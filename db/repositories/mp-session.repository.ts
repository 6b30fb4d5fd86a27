import { type Kysely, sql } from 'kysely';
import type { MpSessionStore, MpWindowOpening } from '../../core/messaging/ports.js';
import type { Database } from '../schema.js';

/** MpSessionStore on Kysely: `mp_sessions`, one row per openid. */
export class KyselyMpSessionStore implements MpSessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * One multi-row upsert per round: a statement may not update one row twice, so a user's second action in the
   * batch goes in the next round (rare: most batches hold one action per user, one statement).
   */
  async open(openings: readonly MpWindowOpening[]): Promise<void> {
    const rounds: MpWindowOpening[][] = [];
    const seen = new Map<string, number>();
    for (const o of openings) {
      const round = seen.get(o.openid) ?? 0;
      seen.set(o.openid, round + 1);
      if (rounds[round]) rounds[round].push(o);
      else rounds[round] = [o];
    }
    for (const round of rounds) {
      // An open window keeps the larger quota and the later deadline; a closed one starts over.
      await this.db
        .insertInto('mp_sessions')
        .values(round.map((o) => ({ openid: o.openid, quota_left: o.quota, window_until: o.until, updated_at: o.at })))
        .onConflict((oc) =>
          oc.column('openid').doUpdateSet({
            quota_left: sql`case when mp_sessions.window_until > excluded.updated_at then greatest(mp_sessions.quota_left, excluded.quota_left) else excluded.quota_left end`,
            window_until: sql`greatest(mp_sessions.window_until, excluded.window_until)`,
            updated_at: sql`excluded.updated_at`,
          }),
        )
        .execute();
    }
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
