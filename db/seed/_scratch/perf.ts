import { sql } from 'kysely';
import { openDatabase, migrateToLatest } from '../../connect.js';
const h = await openDatabase({ kind: 'pglite-memory' });
const db = h.db;
await migrateToLatest(db);
await db.insertInto('regions').values({ province: 'a', city: 'b', county: 'c', market_level: '乡镇' }).execute();
await db.insertInto('managers').values({ code: 'M001', name: 'x', role: 'regional' }).execute();
await db
  .insertInto('dealers')
  .values({
    code: 'D0001',
    name: 'x',
    region_id: 1,
    tier: 'core',
    manager_code: 'M001',
    partnership_start: '2020-01-01',
    tags: ['门窗专长', 'a"b,c'],
  })
  .execute();
console.log(await db.selectFrom('dealers').select(['tags', 'partnership_start']).execute());
await db
  .insertInto('products')
  .values({ sku: 'S1', name: 'n', category: 'c', series: 's', unit: 'u', list_price_fen: 100, moq: 1 })
  .execute();
const N = 100_000;
let t = Date.now();
await db.transaction().execute(async (trx) => {
  for (let i = 0; i < N; i += 1000) {
    const rows = [];
    for (let j = i; j < i + 1000; j++)
      rows.push({
        dealer_code: 'D0001',
        sku: 'S1',
        day: new Date(Date.UTC(2000, 0, 1) + j * 864e5).toISOString().slice(0, 10),
        qty: j,
      });
    await trx.insertInto('sell_through').values(rows).execute();
  }
});
console.log('values', Date.now() - t);
await sql`truncate sell_through`.execute(db);
t = Date.now();
await db.transaction().execute(async (trx) => {
  for (let i = 0; i < N; i += 1000) {
    const d: string[] = [],
      s: string[] = [],
      day: string[] = [],
      q: number[] = [];
    for (let j = i; j < i + 1000; j++) {
      d.push('D0001');
      s.push('S1');
      day.push(new Date(Date.UTC(2000, 0, 1) + j * 864e5).toISOString().slice(0, 10));
      q.push(j);
    }
    await sql`insert into sell_through (dealer_code, sku, day, qty) select * from unnest(${d}::text[], ${s}::text[], ${day}::date[], ${q}::int[])`.execute(
      trx,
    );
  }
});
console.log('unnest', Date.now() - t);
console.log(await db.selectFrom('sell_through').select(db.fn.countAll().as('n')).execute());
const ts = [new Date(), null];
await sql`create temp table tt (a timestamptz, b text)`.execute(db);
await sql`insert into tt select * from unnest(${ts.map((x) => x?.toISOString() ?? null)}::timestamptz[], ${['x"y', null]}::text[])`.execute(
  db,
);
console.log((await sql`select * from tt`.execute(db)).rows);
await h.close();
