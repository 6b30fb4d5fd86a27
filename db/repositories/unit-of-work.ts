import type { Kysely } from 'kysely';
import type { UnitOfWork } from '../../core/messaging/ports.js';
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
    transaction: (work) => db.transaction().execute((trx) => work(bind(trx))),
  };
}
