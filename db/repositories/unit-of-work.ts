import { type Kysely, sql } from 'kysely';
import type { TransactionControl, UnitOfWork } from '../../core/messaging/ports.js';
import { commitWithNext, compiledOnce } from '../compiled.js';
import type { Database } from '../schema.js';

/** Runs `work` in a transaction: a new one on a plain handle, the caller's when `db` already is one. */
export function inTransaction<R>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<R>): Promise<R> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/** A unit of work whose scopes are built by `bind` from the plain handle or from one transaction. */
export function kyselyUnitOfWork<Scope>(
  db: Kysely<Database>,
  bind: (db: Kysely<Database>) => Scope,
): UnitOfWork<Scope> {
  return {
    root: bind(db),
    transaction: (work) => db.transaction().execute((trx) => work(bind(trx), control(trx))),
  };
}

/**
 * Savepoints on one transaction (numbered: names need not be unique, but a rollback then finds the latest), and its
 * last statement with its COMMIT (`commitWithNext`: the `compiledOnce` statement `work` sends first on `trx`).
 */
function control(trx: Kysely<Database>): TransactionControl {
  let n = 0;
  return {
    async commitWith(work) {
      const clear = commitWithNext(trx);
      try {
        return await work();
      } finally {
        clear();
      }
    },
    async savepoint(work) {
      const statements = savepointStatements(++n);
      await statements.savepoint(trx);
      try {
        return await work();
      } catch (e) {
        await statements.rollback(trx);
        throw e;
      }
    },
  };
}

type SavepointStatements = Record<'savepoint' | 'rollback', (trx: Kysely<Database>) => Promise<unknown>>;
/** Per savepoint number (at most a batch's turns): its two statements, each built and compiled once. */
const savepointsByNumber: SavepointStatements[] = [];

function savepointStatements(n: number): SavepointStatements {
  savepointsByNumber[n] ??= {
    savepoint: compiledOnce(() => sql`savepoint ${sql.id(`sp${n}`)}`),
    rollback: compiledOnce(() => sql`rollback to savepoint ${sql.id(`sp${n}`)}`),
  };
  return savepointsByNumber[n];
}
