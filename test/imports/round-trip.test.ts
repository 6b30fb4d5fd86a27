import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anomalyService } from '../../bot/composition.js';
import { runExportCommand } from '../../bot/cli/export.command.js';
import { ordersReplies } from '../../bot/replies/orders.replies.js';
import { IMPORT_ENTITIES } from '../../core/imports/types.js';
import { PolicyService } from '../../core/policies/policy.service.js';
import { StockService } from '../../core/stock/stock.service.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { KyselyExportSource } from '../../db/repositories/imports-export.repository.js';
import { PolicyRepository } from '../../db/repositories/policies.repository.js';
import { KyselyStockStore } from '../../db/repositories/stock.repository.js';
import { openTestDatabase } from '../helpers/db.js';
import { expectReimportChangesNothing, runImportCli } from '../helpers/import-cli.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';

/** What a dealer is told, computed by the services on one database: stock, rebate progress, anomalies. */
async function dealerAnswers(h: DatabaseHandle, now: Date) {
  const skus = (await h.db.selectFrom('products').select('sku').orderBy('sku').execute()).map((p) => p.sku);
  const dealers = await h.db.selectFrom('dealers').select(['code', 'tier']).orderBy('code').execute();
  const stock = new StockService(new KyselyStockStore(h.db));
  const policies = new PolicyService(new PolicyRepository(h.db));
  const answers: Record<string, unknown> = {};
  for (const d of dealers) {
    const reports = await stock.report(d, skus, now);
    // The chat answer, with the dealer's sync time as the import's: a snapshot carries its date, not its time.
    const synced = reports.map((r) => (r.dealer ? { ...r, dealer: { ...r.dealer, syncedAt: now } } : r));
    const dealer = (await policies.findDealer(d.code))!;
    answers[d.code] = {
      stock: ordersReplies.stock(synced, now),
      ownStock: reports.map((r) => [r.product.sku, r.hq.available, r.dealer?.qty ?? null, r.sold30, r.daysOfCover]),
      replenish: await stock.replenishment(d, now),
      rebates: await policies.positions(dealer, now),
    };
  }
  // The anomaly feed as the lifecycle opens it from the stored data (ids and times differ between the databases).
  const feed = anomalyService(h.db);
  const refreshed = await feed.refresh('all', now);
  const anomalies: Record<string, unknown[]> = {};
  for (const d of dealers) {
    const open = await feed.openFor(d.code);
    const key = (a: { kind: string; subject: string }) => `${a.kind}:${a.subject}`;
    if (open.length)
      anomalies[d.code] = open.sort((a, b) => key(a).localeCompare(key(b))).map((a) => [key(a), a.details]);
  }
  return { dealers: dealers.length, answers, anomalies, anomalyNotices: refreshed.queued };
}

// Whole-demo imports and answers for every dealer: minutes, not seconds, when the 2 cores are shared.
describe('round trip: export the K demo, import it into an empty database, every dealer is told the same', {
  timeout: 300_000,
}, () => {
  let source: DatabaseHandle;
  let target: DatabaseHandle;
  let dir: string;

  const importFile = (entity: string) =>
    runImportCli(target.db, [entity, join(dir, `${entity}.csv`), '--who', 'round-trip']);

  beforeAll(async () => {
    [source, target] = await Promise.all([openTestDatabase({ seeded: true }), openTestDatabase()]);
    dir = mkdtempSync(join(tmpdir(), 'gs-round-trip-'));
  }, 180_000); // two databases at once, on a loaded machine
  afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports all twelve entities in the documented format', async () => {
    const out: string[] = [];
    const code = await runExportCommand(['all', dir], {
      source: new KyselyExportSource(source.db),
      io: { out: (l) => out.push(l), err: (l) => out.push(l), isTTY: false },
    });
    expect(code).toBe(0);
    const written = out.map((l) => JSON.parse(l) as { entity: string; rows: number });
    expect(written.map((w) => w.entity)).toEqual([...IMPORT_ENTITIES]);
    for (const w of written)
      expect({ entity: w.entity, empty: w.rows === 0 }).toEqual({ entity: w.entity, empty: false });
    // The two fixed headers of the contract.
    expect(readFileSync(join(dir, 'dealer-stock.csv'), 'utf8').split('\n')[0]).toBe('date,dealer_code,sku,qty');
    expect(readFileSync(join(dir, 'pos.csv'), 'utf8').split('\n')[0]).toBe('date,store_code,sku,qty,amount');
  });

  it('imports every file into an empty database in dependency order, without an error', async () => {
    // Policies are HQ's configuration (fixtures/policies.json), not imported data: the target gets the same ones.
    const policies = await source.db.selectFrom('policies').selectAll().execute();
    await target.db
      .insertInto('policies')
      .values(policies.map((p) => ({ ...p, spec: JSON.stringify(p.spec) })))
      .execute();
    for (const entity of IMPORT_ENTITIES) {
      const r = await importFile(entity);
      expect({ entity, code: r.code, errors: r.json.errors }).toEqual({ entity, code: 0, errors: [] });
      expect(r.json.inserted).toBe(r.json.rows);
    }
  });

  it('gives every demo dealer the same stock answer, rebate progress and anomalies as the source', async () => {
    const [before, after] = [await dealerAnswers(source, TEST_NOW), await dealerAnswers(target, TEST_NOW)];
    expect(after.dealers).toBe(before.dealers);
    // Not a comparison of nothing: dealers with stock that sells, with rebate positions, with advice, anomalies.
    const told = Object.values(before.answers) as { ownStock: unknown[][]; rebates: unknown[]; replenish: unknown[] }[];
    expect(told.filter((a) => a.ownStock.some((s) => s[2] !== null && Number(s[3]) > 0)).length).toBeGreaterThan(10);
    expect(told.filter((a) => a.rebates.length > 0).length).toBeGreaterThan(10);
    expect(told.filter((a) => a.replenish.length > 0).length).toBeGreaterThan(0);
    expect(Object.keys(before.anomalies).length).toBeGreaterThan(0);
    for (const code of Object.keys(before.answers)) expect(after.answers[code], code).toEqual(before.answers[code]);
    expect(after.anomalies).toEqual(before.anomalies);
  });

  it('re-importing the same files changes nothing', async () => {
    await expectReimportChangesNothing(importFile);
  });

  it('exports the imported database to the same files', async () => {
    const again = mkdtempSync(join(tmpdir(), 'gs-round-trip-again-'));
    try {
      const code = await runExportCommand(['all', again], {
        source: new KyselyExportSource(target.db),
        io: { out: () => undefined, err: () => undefined, isTTY: false },
      });
      expect(code).toBe(0);
      for (const entity of IMPORT_ENTITIES) {
        const [a, b] = [join(dir, `${entity}.csv`), join(again, `${entity}.csv`)].map((p) => readFileSync(p, 'utf8'));
        expect(b === a, entity).toBe(true);
      }
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });
});
