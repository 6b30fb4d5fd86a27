import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_need_ids.js';
import * as m0003 from './0003_order_discount.js';
import * as m0004 from './0004_care_deliveries.js';
import * as m0007 from './0007_imports.js';
import * as m0008 from './0008_contact_log.js';
import * as m0009 from './0009_nlu_misses.js';
import * as m0010 from './0010_dealer_anomalies.js';
import * as m0011 from './0011_erp_sync.js';
import * as m0012 from './0012_console.js';
import * as m0013 from './0013_console_perf.js';
import * as m0014 from './0014_draft_delivery_by.js';
import * as m0015 from './0015_made_to_size.js';
import * as m0016 from './0016_statements.js';
import * as m0017 from './0017_training_honours.js';
import * as m0018 from './0018_campaigns_cadence.js';
import * as m0019 from './0019_outbox_recipient_queue.js';
import * as m0020 from './0020_miniprogram.js';
import * as m0021 from './0021_import_offers.js';
import * as m0022 from './0022_outbox_tried.js';
import * as m0023 from './0023_inbound_unfinished.js';
import * as m0025 from './0025_outbox_indexes.js';
import * as m0026 from './0026_queue_probes.js';
import * as m0027 from './0027_inbound_sender_done.js';

// A static provider: Kysely's FileMigrationProvider uses native import(), which fails on .ts under vitest.
const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_need_ids': m0002,
  '0003_order_discount': m0003,
  '0004_care_deliveries': m0004,
  '0007_imports': m0007,
  '0008_contact_log': m0008,
  '0009_nlu_misses': m0009,
  '0010_dealer_anomalies': m0010,
  '0011_erp_sync': m0011,
  '0012_console': m0012,
  '0013_console_perf': m0013,
  '0014_draft_delivery_by': m0014,
  '0015_made_to_size': m0015,
  '0016_statements': m0016,
  '0017_training_honours': m0017,
  '0018_campaigns_cadence': m0018,
  '0019_outbox_recipient_queue': m0019,
  '0020_miniprogram': m0020,
  '0021_import_offers': m0021,
  '0022_outbox_tried': m0022,
  '0023_inbound_unfinished': m0023,
  '0025_outbox_indexes': m0025,
  '0026_queue_probes': m0026,
  '0027_inbound_sender_done': m0027,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

export const migrationNames: readonly string[] = Object.keys(migrations).sort();
