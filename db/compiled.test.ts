/**
 * compiledOnce (db/compiled.ts): a statement built and compiled once binds each call's arguments, gives what the
 * builder gives, inside a transaction too, and the handle's plugins still see (and may change) every statement.
 * PGlite by default, PostgreSQL with TEST_DATABASE_URL.
 */
import {
  type Kysely,
  type KyselyPlugin,
  type OperationNode,
  OperationNodeTransformer,
  type RootOperationNode,
  type ValueNode,
  sql,
} from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../test/helpers/db.js';
import { compiledOnce } from './compiled.js';
import type { DatabaseHandle } from './connect.js';
import type { Database } from './schema.js';

/** Counts the statements and keeps their SQL text. */
class Seen implements KyselyPlugin {
  texts: string[] = [];
  transformQuery: KyselyPlugin['transformQuery'] = (a) => {
    this.texts.push(a.node.kind);
    return a.node;
  };
  transformResult: KyselyPlugin['transformResult'] = async (a) => a.result;
}

/**
 * Changes the tree: a value 'swap-me' built into the statement becomes 'swapped' (a plugin that rewrites
 * statements; the call's arguments are placeholders in the tree it sees).
 */
class Swap extends OperationNodeTransformer implements KyselyPlugin {
  protected override transformValue(node: ValueNode): ValueNode {
    return node.value === 'swap-me' ? { ...node, value: 'swapped' } : node;
  }
  transformQuery({ node }: { node: RootOperationNode }): RootOperationNode {
    return this.transformNode(node as OperationNode) as RootOperationNode;
  }
  async transformResult<R>({ result }: { result: R }): Promise<R> {
    return result;
  }
}

const state = compiledOnce((db, sender: string, after: Date) =>
  db
    .selectFrom('conversation_state')
    .select(['sender', 'state', 'expires_at'])
    .where('sender', '=', sender)
    .where('expires_at', '>', after),
);
const echo = compiledOnce((db, text: string, ids: readonly number[]) =>
  db.selectNoFrom([
    sql<string>`${text}::text`.as('text'),
    sql<number[]>`${ids}::int[]`.as('ids'),
    sql<string>`${'swap-me'}::text`.as('fixed'),
  ]),
);

describe('compiledOnce', () => {
  let h: DatabaseHandle;
  let db: Kysely<Database>;
  const now = new Date('2026-11-01T00:00:00Z');
  const later = new Date('2026-11-02T00:00:00Z');

  beforeAll(async () => {
    h = await openTestDatabase();
    db = h.db;
    await db
      .insertInto('conversation_state')
      .values(
        ['wecom:a', 'wecom:b'].map((sender) => ({
          sender,
          state: JSON.stringify({ who: sender }),
          updated_at: now,
          expires_at: later,
        })),
      )
      .execute();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("binds each call's arguments and gives what the builder gives", async () => {
    for (const sender of ['wecom:a', 'wecom:b', 'wecom:none']) {
      const built = await db
        .selectFrom('conversation_state')
        .select(['sender', 'state', 'expires_at'])
        .where('sender', '=', sender)
        .where('expires_at', '>', now)
        .execute();
      expect(await state(db, sender, now)).toEqual(built);
    }
    expect(await state(db, 'wecom:a', later)).toEqual([]);
    expect(await echo(db, 'x', [1, 2])).toEqual([{ text: 'x', ids: [1, 2], fixed: 'swap-me' }]);
    expect(await echo(db, 'y', [])).toEqual([{ text: 'y', ids: [], fixed: 'swap-me' }]);
  });

  it('runs in the transaction it is given', async () => {
    await db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('conversation_state').set({ expires_at: now }).where('sender', '=', 'wecom:b').execute();
        expect(await state(trx, 'wecom:b', now)).toEqual([]);
        throw new Error('roll back');
      })
      .catch((e: Error) => expect(e.message).toBe('roll back'));
    expect(await state(db, 'wecom:b', now)).toHaveLength(1);
  });

  it("hands every statement to the handle's plugins, and compiles a tree a plugin changed afresh", async () => {
    const seen = new Seen();
    const counted = db.withPlugin(seen);
    await state(counted, 'wecom:a', now);
    await state(counted, 'wecom:b', now);
    expect(seen.texts).toEqual(['SelectQueryNode', 'SelectQueryNode']);

    const swapped = db.withPlugin(new Swap());
    expect(await echo(swapped, 'swap-me', [3])).toEqual([{ text: 'swap-me', ids: [3], fixed: 'swapped' }]);
    // The changed tree did not replace the shared text: the plain handle still has the statement as built.
    expect(await echo(db, 'z', [4])).toEqual([{ text: 'z', ids: [4], fixed: 'swap-me' }]);
  });
});
