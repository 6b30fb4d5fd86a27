import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveCatalog } from '../../bot/nlu/catalog.live.js';
import { normalize } from '../../bot/nlu/normalize.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { catalogFingerprint, loadCatalog } from '../../db/repositories/catalog.repository.js';
import { openTestDatabase } from '../helpers/db.js';

describe('LiveCatalog: the chat understands a product an import changed, without a restart', () => {
  let handle: DatabaseHandle;
  let live: LiveCatalog;
  beforeAll(async () => {
    handle = await openTestDatabase({ seeded: true });
    const db = handle.db;
    live = await LiveCatalog.open({ products: () => loadCatalog(db), fingerprint: () => catalogFingerprint(db) });
  });
  afterAll(async () => handle?.close());

  it('keeps its matcher while nothing changed, rebuilds it after an alias is added, and drops a withdrawn product', async () => {
    const before = live.current();
    expect(await live.refresh()).toBe(false);
    expect(live.current()).toBe(before);
    const sku = before.find(normalize('N60'))[0]!.skus[0]!;
    expect(before.find(normalize('星河窗'))).toEqual([]);

    const { aliases } = await handle.db
      .selectFrom('products')
      .select('aliases')
      .where('sku', '=', sku)
      .executeTakeFirstOrThrow();
    await handle.db
      .updateTable('products')
      .set({ aliases: [...aliases, '星河窗'] })
      .where('sku', '=', sku)
      .execute();
    expect(await live.refresh()).toBe(true);
    expect(live.current().find(normalize('星河窗'))[0]?.skus).toEqual([sku]);
    expect(await live.refresh()).toBe(false);

    await handle.db.updateTable('products').set({ active: false }).where('sku', '=', sku).execute();
    expect(await live.refresh()).toBe(true);
    expect(live.current().product(sku)).toBeUndefined();
  });
});
