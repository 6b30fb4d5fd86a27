import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { KyselyOutboxStore } from '../../db/repositories/outbox.repository.js';
import { useTwoInstances } from '../helpers/db.js';

/**
 * Issue 14, found by the soak (`npm run soak`): two instances claiming the outbox at the same moment. One has
 * locked a recipient's first due reply and not committed yet; SKIP LOCKED hides that row from the other, which
 * must still not take the recipient's second reply — it would be sent first (the soak saw 2 of 900 replies out
 * of order). PostgreSQL only: PGlite has one connection, so no claim can run beside another.
 */
const templates = inject('pgTemplates');

describe.skipIf(!templates)('two instances claiming one outbox on PostgreSQL', () => {
  const two = useTwoInstances(2);

  it("does not take a recipient's later reply while another instance is claiming the earlier one", async () => {
    const now = new Date();
    const until = new Date(now.getTime() + 60_000);
    const row = (n: number, address: string) => ({
      recipient: address,
      address,
      route: 'wecom_app' as const,
      body: `回复 ${n}`,
      format: 'text' as const,
      kind: 'reply',
      inReplyTo: null,
      dedupeKey: `claim-race:${address}:${n}`,
      notBefore: new Date(now.getTime() - 1000),
    });
    await new KyselyOutboxStore(two.first.db).enqueue([row(1, 'u-race'), row(2, 'u-race'), row(1, 'u-other')]);
    const ids = await two.first.db
      .selectFrom('outbox')
      .select(['id', 'address'])
      .where('dedupe_key', 'like', 'claim-race:%')
      .orderBy('id')
      .execute();

    // The first instance's claim, caught between locking the recipient's first reply and committing.
    let release: () => void = () => {};
    let locked: () => void = () => {};
    const lockedNow = new Promise<void>((r) => {
      locked = r;
    });
    const claiming = two.first.db.transaction().execute(async (trx) => {
      await sql`select id from outbox where id = ${ids[0]!.id} for update`.execute(trx);
      locked();
      await new Promise<void>((r) => {
        release = r;
      });
    });
    await lockedNow;
    try {
      const claimed = await new KyselyOutboxStore(two.second.db).claim(now, until, 10);
      // The other recipient goes ahead; u-race's second reply waits for its first.
      expect(claimed.map((m) => [m.address, m.body])).toEqual([['u-other', '回复 1']]);
    } finally {
      release();
      await claiming;
    }
    // Once nothing holds it, one claim takes both in order (a recipient's rows still go out as one queue).
    const next = await new KyselyOutboxStore(two.second.db).claim(now, until, 10);
    expect(next.map((m) => m.body)).toEqual(['回复 1', '回复 2']);
  });
});
