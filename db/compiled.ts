import {
  type CompiledQuery,
  createQueryId,
  type Kysely,
  type OperationNodeSource,
  type QueryResult,
  type RootOperationNode,
} from 'kysely';
import { THEN_COMMIT } from './pipelined-begin.js';
import type { Database } from './schema.js';

/** Stands for the statement's argument `index` while it is built; replaced by the argument's value on each call. */
class Slot {
  constructor(readonly index: number) {}
}

type Built<R> = OperationNodeSource & { compile(...args: never[]): CompiledQuery<R> };

/** Transaction handles whose next `compiledOnce` statement is their last (see `commitWithNext`). */
const lastOnes = new WeakSet<Kysely<Database>>();

/**
 * Marks `trx`'s next statement sent through `compiledOnce` as the transaction's last: its text ends with
 * `THEN_COMMIT`, so the pool writes COMMIT behind it (db/pipelined-begin.ts). Only that one statement carries it;
 * the returned function clears a mark no statement took (the COMMIT then goes alone, as usual).
 */
export function commitWithNext(trx: Kysely<Database>): () => void {
  lastOnes.add(trx);
  return () => lastOnes.delete(trx);
}

/**
 * A hot statement built and compiled once: each call binds its arguments to the SQL text compiled the first time,
 * instead of building the query's tree and compiling it again (Kysely's builders cost more app CPU than the
 * statement's round trip). `build` must use its arguments as values only (never look into them: while it runs they
 * are placeholders) and build the same statement whatever they are; a statement whose shape depends on the
 * arguments (an `in` list's length, an optional filter) is one `compiledOnce` per shape, or `= any($n::type[])`.
 *
 * The handle's plugins still see the statement: each call hands the tree to them (the benchmarks' and tests'
 * statement counters count it), with the call's arguments as placeholders; a plugin that changes the tree gets it
 * compiled afresh. `build`'s function length is its argument count (no defaults, no rest parameters).
 *
 * @example
 * const stateOf = compiledOnce((db, sender: string) =>
 *   db.selectFrom('conversation_state').select('state').where('sender', '=', sender));
 * const rows = await stateOf(trx, 'wecom:u1');
 */
export function compiledOnce<A extends unknown[], R>(
  build: (db: Kysely<Database>, ...args: A) => Built<R>,
): (db: Kysely<Database>, ...args: A) => Promise<R[]> {
  let node: RootOperationNode | undefined;
  // Per dialect adapter (PGlite and pg both compile to PostgreSQL's text, but a handle decides its compiler).
  const texts = new WeakMap<object, CompiledQuery>();
  // The same text marked as a transaction's last (`commitWithNext`), kept: one string, hashed and compared by the
  // plan cache and node-postgres, rather than a new concatenation per call.
  const lastTexts = new WeakMap<CompiledQuery, string>();
  return async (db, ...args) => {
    const executor = db.getExecutor();
    if (!node) {
      const slots = Array.from({ length: Math.max(0, build.length - 1) }, (_, i) => new Slot(i)) as unknown as A;
      node = build(db.withoutPlugins(), ...slots).toOperationNode() as RootOperationNode;
    }
    const queryId = createQueryId();
    const transformed = executor.transformQuery(node, queryId);
    let text: CompiledQuery | undefined;
    if (transformed === node) {
      text = texts.get(executor.adapter);
      if (!text) {
        text = executor.compileQuery(node, queryId);
        texts.set(executor.adapter, text);
      }
    } else {
      text = executor.compileQuery(transformed, queryId);
    }
    const parameters = text.parameters.map((v) => (v instanceof Slot ? args[v.index] : v));
    let sql = text.sql;
    if (lastOnes.delete(db)) {
      sql = lastTexts.get(text) ?? text.sql + THEN_COMMIT;
      lastTexts.set(text, sql);
    }
    const result: QueryResult<R> = await executor.executeQuery<R>({ query: transformed, queryId, sql, parameters });
    return result.rows;
  };
}
