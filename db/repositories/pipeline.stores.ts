import type { Kysely } from 'kysely';
import type { PipelineStores, TurnScope, UnitOfWork } from '../../core/messaging/ports.js';
import type { Database } from '../schema.js';
import { KyselyFollowupStore } from './followups.repository.js';
import { KyselyIdentityDirectory } from './identity.repository.js';
import { KyselyInboundStore } from './inbound.repository.js';
import { KyselyKfStateStore } from './kf.repository.js';
import { KyselyMpSessionStore } from './mp-session.repository.js';
import { KyselyOutboxStore } from './outbox.repository.js';
import { kyselyUnitOfWork } from './unit-of-work.js';

/** The message pipeline's stores bound to `db` (a plain handle or the caller's transaction). */
export function pipelineStores(db: Kysely<Database>): PipelineStores {
  const directory = new KyselyIdentityDirectory(db);
  return {
    inbound: new KyselyInboundStore(db),
    outbox: new KyselyOutboxStore(db),
    identities: directory,
    recipients: directory,
    kf: new KyselyKfStateStore(db),
    mp: new KyselyMpSessionStore(db),
    followups: new KyselyFollowupStore(db),
  };
}

export function pipelineUnitOfWork(db: Kysely<Database>): UnitOfWork<PipelineStores> {
  return kyselyUnitOfWork(db, pipelineStores);
}

/** Conversation turns: the pipeline's stores and the step's services (`services(db)`), on one transaction. */
export function turnUnitOfWork<Services>(
  db: Kysely<Database>,
  services: (db: Kysely<Database>) => Services,
): UnitOfWork<TurnScope<Services>> {
  return kyselyUnitOfWork(db, (d) => ({ stores: pipelineStores(d), services: services(d) }));
}
