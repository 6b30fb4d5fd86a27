import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi } from '../../bot/api/index.js';
import { importOfferReview, importService, importStore, servicesFactory } from '../../bot/composition.js';
import { loadConfig } from '../../bot/config.js';
import { buildServer } from '../../bot/server.js';
import { IMPORT_ENTITIES } from '../../core/imports/types.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { openTestDatabase } from '../helpers/db.js';

const EXAMPLES = fileURLToPath(new URL('../../adapters/imports/examples/', import.meta.url));
const TOKEN = 'test-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
const MAX_BYTES = 64 * 1024;

/** One multipart/form-data body with a single file part. */
function multipartBody(filename: string, content: Buffer | string, type = 'application/octet-stream') {
  const boundary = '----gongsheng-test-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

const ndjson = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n');

describe('admin API /api/imports (the CLI import over HTTP)', () => {
  let h: DatabaseHandle;
  let app: FastifyInstance;
  const count = async (table: string) =>
    Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(h.db)).rows[0]!.n);

  beforeAll(async () => {
    h = await openTestDatabase();
    const config = loadConfig({ ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'silent' });
    app = await buildServer({
      config,
      ready: async () => true,
      adminApi: adminApi({
        services: servicesFactory({ settings: { needSla: config.needs.sla } })(h.db),
        now: () => new Date(),
        imports: {
          store: importStore(h.db),
          importer: importService(h.db),
          offers: importOfferReview(h.db),
          maxBytes: MAX_BYTES,
        },
      }),
    });
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  it('401 without or with a wrong admin token, and nothing is recorded', async () => {
    const none = await app.inject({ method: 'POST', url: '/api/imports/managers', payload: '{}' });
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/imports/managers',
      headers: { authorization: 'Bearer nope', 'content-type': 'application/x-ndjson' },
      payload: '{}',
    });
    const list = await app.inject({ method: 'GET', url: '/api/imports' });
    expect([none.statusCode, wrong.statusCode, list.statusCode]).toEqual([401, 401, 401]);
    expect(await count('import_runs')).toBe(0);
  });

  it('imports every entity from its example file as multipart CSV, in the documented order', async () => {
    for (const entity of IMPORT_ENTITIES) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/imports/${entity}`,
        ...multipartBody(`${entity}.csv`, readFileSync(`${EXAMPLES}${entity}.csv`)),
      });
      expect({ entity, status: res.statusCode, errors: res.json().errors }).toEqual({
        entity,
        status: 200,
        errors: [],
      });
      const body = res.json();
      expect(body).toMatchObject({ entity, status: 'applied', updated: 0, unchanged: 0 });
      expect(body.inserted).toBe(body.rows);
      expect(body.runId).toBeGreaterThan(0);
    }
    expect(await count('store_sales')).toBeGreaterThan(0);
  });

  it('NDJSON body: applied (200), then the same rows again change nothing', async () => {
    const rows = [
      { sku: 'KW-N60', on_hand: 1500, modified_at: '2026-11-27 08:00:00' },
      { sku: 'KD-B45', on_hand: 300, modified_at: '2026-11-27 08:00:00' },
    ];
    const post = () =>
      app.inject({
        method: 'POST',
        url: '/api/imports/hq-stock',
        headers: { ...auth, 'content-type': 'application/x-ndjson' },
        payload: ndjson(rows),
      });
    const first = await post();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ entity: 'hq-stock', rows: 2, updated: 2, errors: [] });
    const again = await post();
    expect(again.json()).toMatchObject({ rows: 2, inserted: 0, updated: 0, unchanged: 2, status: 'applied' });
    const stock = await h.db.selectFrom('hq_stock').select('on_hand').where('sku', '=', 'KW-N60').executeTakeFirst();
    expect(stock?.on_hand).toBe(1500);
  });

  it('422 with the report when a row is bad (nothing applied); ?partial=1 takes the good rows', async () => {
    const rows = [
      { sku: 'KW-N60', on_hand: 1600, modified_at: '2026-11-28 08:00:00' },
      { sku: 'XX-NOPE', on_hand: 5 },
    ];
    const headers = { ...auth, 'content-type': 'application/x-ndjson' };
    const rejected = await app.inject({ method: 'POST', url: '/api/imports/hq-stock', headers, payload: ndjson(rows) });
    expect(rejected.statusCode).toBe(422);
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      inserted: 0,
      updated: 0,
      errors: [{ line: 2, column: 'sku', value: 'XX-NOPE', reason: '未知产品 XX-NOPE' }],
    });
    const kept = await h.db.selectFrom('hq_stock').select('on_hand').where('sku', '=', 'KW-N60').executeTakeFirst();
    expect(kept?.on_hand).toBe(1500);

    const errors = await app.inject({ method: 'GET', url: `/api/imports/${rejected.json().runId}/errors`, headers });
    expect(errors.json().errors).toEqual(rejected.json().errors);

    const partial = await app.inject({
      method: 'POST',
      url: '/api/imports/hq-stock?partial=1',
      headers,
      payload: ndjson(rows),
    });
    expect(partial.statusCode).toBe(200);
    expect(partial.json()).toMatchObject({ status: 'partial', updated: 1 });
  });

  it('?dryRun=1 answers the counts and changes nothing', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/imports/hq-stock?dryRun=1',
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
      payload: ndjson([{ sku: 'KD-B45', on_hand: 1, modified_at: '2026-11-29 08:00:00' }]),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'dry_run', updated: 1 });
    const stock = await h.db.selectFrom('hq_stock').select('on_hand').where('sku', '=', 'KD-B45').executeTakeFirst();
    expect(stock?.on_hand).toBe(300);
  });

  it('multipart GBK CSV and XLSX import', async () => {
    const gbk = iconv.encode('sku,on_hand,modified_at\r\nKW-N60,1700,2026-11-29 09:00:00\r\n', 'gbk');
    const csv = await app.inject({ method: 'POST', url: '/api/imports/hq-stock', ...multipartBody('库存.csv', gbk) });
    expect(csv.json()).toMatchObject({ status: 'applied', updated: 1 });

    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('价格');
    sheet.addRow(['sku', 'tier', 'price']);
    sheet.addRow(['KW-N60', 'core', 999.5]);
    const xlsx = Buffer.from(await book.xlsx.writeBuffer());
    const res = await app.inject({ method: 'POST', url: '/api/imports/prices', ...multipartBody('prices.xlsx', xlsx) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ entity: 'prices', rows: 1, errors: [] });
    const runs = (await app.inject({ method: 'GET', url: '/api/imports?limit=1', headers: auth })).json();
    expect(runs.runs[0]).toMatchObject({ entity: 'prices', source: 'prices.xlsx', who: 'api', status: 'applied' });
  });

  it('404 unknown entity, 415 wrong type, 413 too large, 400 both modes; none is recorded', async () => {
    const before = await count('import_runs');
    const nd = { ...auth, 'content-type': 'application/x-ndjson' };
    const unknown = await app.inject({ method: 'POST', url: '/api/imports/widgets', headers: nd, payload: '{}' });
    const json = await app.inject({ method: 'POST', url: '/api/imports/pos', headers: auth, payload: { a: 1 } });
    const pdf = await app.inject({ method: 'POST', url: '/api/imports/pos', ...multipartBody('pos.pdf', '%PDF') });
    const big = '{"sku":"KW-N60","on_hand":1}\n'.repeat(MAX_BYTES / 20);
    const tooLarge = await app.inject({ method: 'POST', url: '/api/imports/hq-stock', headers: nd, payload: big });
    const tooLargePart = await app.inject({
      method: 'POST',
      url: '/api/imports/hq-stock',
      ...multipartBody('big.ndjson', big),
    });
    // Chunked, without a content-length: the limit is enforced while streaming to disk.
    const streamed = await app.inject({
      method: 'POST',
      url: '/api/imports/hq-stock',
      headers: nd,
      payload: Readable.from([big.slice(0, MAX_BYTES / 2), big.slice(MAX_BYTES / 2)]),
    });
    const part = multipartBody('big.ndjson', big);
    const streamedPart = await app.inject({
      method: 'POST',
      url: '/api/imports/hq-stock',
      headers: part.headers,
      payload: Readable.from([part.payload.subarray(0, 1000), part.payload.subarray(1000)]),
    });
    const both = await app.inject({ method: 'POST', url: '/api/imports/pos?dryRun=1&partial=1', headers: nd });
    expect([unknown, json, pdf, tooLarge, tooLargePart, streamed, streamedPart, both].map((r) => r.statusCode)).toEqual(
      [404, 415, 415, 413, 413, 413, 413, 400],
    );
    expect(await count('import_runs')).toBe(before);
  });

  it('GET /api/imports pages the runs newest first; errors of an unknown run are 404', async () => {
    const total = await count('import_runs');
    const seen: number[] = [];
    let url = '/api/imports?limit=5';
    for (;;) {
      const page = (await app.inject({ method: 'GET', url, headers: auth })).json();
      seen.push(...page.runs.map((r: { id: number }) => r.id));
      if (page.next === null) break;
      url = `/api/imports?limit=5&before=${page.next}`;
    }
    expect(seen).toHaveLength(total);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    const missing = await app.inject({ method: 'GET', url: '/api/imports/999999/errors', headers: auth });
    expect(missing.statusCode).toBe(404);
  });
});
