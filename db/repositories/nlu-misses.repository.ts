import type { Kysely, Selectable } from 'kysely';
import type { Miss, MissKind, MissStatus, NewMiss, NluMissStore } from '../../core/conversation/misses.js';
import type { Database, NluMissesTable } from '../schema.js';

/** NluMissStore on Kysely: one row per message the assistant did not understand. */
export class KyselyNluMissStore implements NluMissStore {
  constructor(private readonly db: Kysely<Database>) {}

  async add(miss: NewMiss): Promise<number> {
    const row = await this.db
      .insertInto('nlu_misses')
      .values({
        text: miss.text,
        kind: miss.kind,
        sender_role: miss.senderRole,
        dealer_code: miss.dealerCode,
        channel: miss.channel,
        guesses: JSON.stringify(miss.guesses),
        created_at: miss.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async list(status: MissStatus, limit: number): Promise<Miss[]> {
    const rows = await this.db
      .selectFrom('nlu_misses')
      .selectAll()
      .where('status', '=', status)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toMiss);
  }

  async get(id: number): Promise<Miss | undefined> {
    const row = await this.db.selectFrom('nlu_misses').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toMiss(row) : undefined;
  }

  async label(
    id: number,
    label: { intent: string; slots: Record<string, unknown> } | 'discard',
    now: Date,
  ): Promise<boolean> {
    const set =
      label === 'discard'
        ? { status: 'discarded', label_intent: null, label_slots: null, labelled_at: now }
        : {
            status: 'labelled',
            label_intent: label.intent,
            label_slots: JSON.stringify(label.slots),
            labelled_at: now,
          };
    const r = await this.db
      .updateTable('nlu_misses')
      .set(set)
      .where('id', '=', id)
      // An exported line is in the corpus already: relabelling it here would not change the corpus.
      .where('status', 'in', ['open', 'labelled', 'discarded'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async markExported(ids: readonly number[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('nlu_misses')
      .set({ status: 'exported', exported_at: now })
      .where('id', 'in', [...ids])
      .where('status', '=', 'labelled')
      .execute();
  }
}

function toMiss(r: Selectable<NluMissesTable>): Miss {
  return {
    id: r.id,
    text: r.text,
    kind: r.kind as MissKind,
    senderRole: r.sender_role as 'dealer' | 'manager',
    dealerCode: r.dealer_code,
    channel: r.channel,
    guesses: r.guesses,
    at: r.created_at,
    status: r.status as MissStatus,
    label: r.label_intent ? { intent: r.label_intent, slots: r.label_slots ?? {} } : null,
  };
}
