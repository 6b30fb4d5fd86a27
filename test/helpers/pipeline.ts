import type { Kysely } from 'kysely';
import { outboxNotifier } from '../../bot/pipeline/outbox.js';
import { pipelineStores } from '../../db/repositories/pipeline.stores.js';
import type { Database } from '../../db/schema.js';

/** The outbox Notifier writing through `db` (a handle or a transaction), as the composition root builds it. */
export const dbNotifier = (db: Kysely<Database>, onQueued?: () => void) => outboxNotifier(pipelineStores(db), onQueued);
