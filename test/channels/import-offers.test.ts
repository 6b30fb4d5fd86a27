/**
 * Files managers send on 微信客服, offered to HQ as imports, end to end against the fake WeCom: the KF file message
 * is pulled, the file downloaded with `media/get`, read and staged; HQ previews and applies it through the admin API;
 * the rows are imported and the sender is told. Dealers' files, files that are not imports, too-large and broken
 * files, a refused media_id and rows outside the manager's dealers are answered and change nothing.
 * Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWecom, startFakeWecom } from '../fakes/wecom/fake-wecom.server.js';
import { kfExchange, startWecomApp, WECOM, type WecomTestApp, waitFor } from './wecom.harness.js';

const TOKEN = 'offers-admin-token-0123456789';
const OPEN_KFID = 'wkOffers01';
const MANAGER_KF = 'wm-manager-offers';
const DEALER_KF = 'wm-dealer-offers';

describe('files from managers on 微信客服 offered to HQ as imports', () => {
  let fake: FakeWecom;
  let t: WecomTestApp;
  let ownStores: string[];
  let otherStore: string;
  let dealer: string;
  let manager: string;
  let skus: string[];

  beforeAll(async () => {
    fake = await startFakeWecom({ corpId: WECOM.corpId, secrets: [WECOM.secret] });
    t = await startWecomApp(fake.baseUrl, { seeded: true, env: { ADMIN_TOKEN: TOKEN, IMPORT_OFFER_MAX_MB: '1' } });
    const stores = (
      await t.db
        .selectFrom('stores as s')
        .innerJoin('dealers as d', 'd.code', 's.dealer_code')
        .select(['s.code', 'd.code as dealer', 'd.manager_code'])
        .where('s.code', 'is not', null)
        .orderBy('s.code')
        .execute()
    ).map((s) => ({ ...s, code: s.code! }));
    manager = stores[0]!.manager_code;
    ownStores = stores
      .filter((s) => s.manager_code === manager)
      .map((s) => s.code)
      .slice(0, 3);
    otherStore = stores.find((s) => s.manager_code !== manager)!.code;
    dealer = stores[0]!.dealer;
    skus = (await t.db.selectFrom('products').select('sku').orderBy('sku').limit(2).execute()).map((p) => p.sku);
    await t.db
      .insertInto('channel_identities')
      .values([
        { channel: 'kf', external_id: MANAGER_KF, manager_code: manager, open_kfid: OPEN_KFID },
        { channel: 'kf', external_id: DEALER_KF, dealer_code: dealer, open_kfid: OPEN_KFID },
      ])
      .execute();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const posCsv = (storeCodes: string[]) =>
    Buffer.from(
      `date,store_code,sku,qty,amount\n${storeCodes
        .flatMap((s) => skus.map((sku, i) => `2026-11-20,${s},${sku},${i + 2},${(i + 2) * 1000}.50`))
        .join('\n')}\n`,
    );
  const offerCount = async () =>
    Number(
      (
        await t.db
          .selectFrom('import_offers')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.server.inject({
      method,
      url,
      headers: { authorization: `Bearer ${TOKEN}` },
      ...(payload ? { payload } : {}),
    });

  /** The customer `external` sends a file on KF; answers the bot's reply. */
  const sendFile = (external: string, mediaId: string) => kfExchange(t, fake, OPEN_KFID, external, { mediaId });

  it('a manager’s CSV is staged, HQ previews and applies it through the API, rows are imported, the sender is told', async () => {
    fake.addMedia('MEDIA-POS', { name: '11月门店销售.csv', contentType: 'text/csv', bytes: posCsv(ownStores) });
    const rows = ownStores.length * skus.length;
    const reply = await sendFile(MANAGER_KF, 'MEDIA-POS');
    expect(reply).toContain(`这份文件像是门店销售导入：${rows} 行`);
    expect(reply).toContain('已提交总部审核');
    expect(fake.callsOf('media/get').at(-1)!.query['media_id']).toBe('MEDIA-POS');

    const list = await api('GET', '/api/import-offers?status=pending');
    expect(list.statusCode).toBe(200);
    const [offer] = list.json().offers as Array<{ id: number; entity: string; rows: number; manager_code: string }>;
    expect(offer).toMatchObject({ entity: 'pos', rows, manager_code: manager, file_name: '11月门店销售.csv' });
    expect(reply).toContain(`#${offer!.id}`);

    const preview = await api('POST', `/api/import-offers/${offer!.id}/preview`);
    expect(preview.statusCode).toBe(200);
    expect(preview.json().result).toMatchObject({ status: 'dry_run', rows, inserted: rows, errors: [] });
    const salesOf = () =>
      t.db
        .selectFrom('store_sales')
        .select('store_code')
        .where('store_code', 'in', ownStores)
        .where('day', '=', '2026-11-20')
        .execute();
    expect(await salesOf()).toHaveLength(0); // a preview keeps nothing

    const applied = await api('POST', `/api/import-offers/${offer!.id}/apply`, { partial: false });
    expect(applied.statusCode).toBe(200);
    expect(applied.json()).toMatchObject({
      offer: { status: 'applied', decided_by: 'api' },
      result: { status: 'applied', rows, inserted: rows },
    });
    expect(await salesOf()).toHaveLength(rows);
    const run = await t.db
      .selectFrom('import_runs')
      .select(['who', 'source', 'status'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(run).toMatchObject({ source: '11月门店销售.csv', status: 'applied' });
    expect(run.who).toContain(`offer ${offer!.id} from ${manager}`);

    // The sender hears it on their WeCom account, once.
    const notice = await waitFor(
      async () =>
        fake.callsOf('message/send').find((c) => JSON.stringify(c.body).includes(`#${offer!.id}）总部已导入`)),
      10_000,
      'the notice to the manager',
    );
    expect(JSON.stringify(notice!.body)).toContain(`新增 ${rows} 行`);

    const again = await api('POST', `/api/import-offers/${offer!.id}/apply`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'closed' });
  });

  it('HQ rejects an offer with a reason: nothing imported, the sender is told why', async () => {
    fake.addMedia('MEDIA-POS-2', { name: '补录.xlsx', bytes: await posXlsx(ownStores.slice(0, 1), skus) });
    const reply = await sendFile(MANAGER_KF, 'MEDIA-POS-2');
    expect(reply).toContain(`这份文件像是门店销售导入：${skus.length} 行`);
    const { offers } = (await api('GET', '/api/import-offers?status=pending')).json() as {
      offers: Array<{ id: number }>;
    };
    const id = offers[0]!.id;
    const rejected = await api('POST', `/api/import-offers/${id}/reject`, { reason: '数据和 ERP 对不上' });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json().offer).toMatchObject({ status: 'rejected', reason: '数据和 ERP 对不上' });
    await waitFor(
      async () =>
        fake
          .callsOf('message/send')
          .some((c) => JSON.stringify(c.body).includes(`#${id}）总部没有导入：数据和 ERP 对不上`)),
      10_000,
      'the rejection notice',
    );
    expect((await api('POST', `/api/import-offers/${id}/apply`)).statusCode).toBe(409);
    expect((await api('GET', '/api/import-offers/999999')).statusCode).toBe(404);
  });

  it('answers every other file clearly and stages nothing', async () => {
    const before = await offerCount();
    const mediaCalls = () => fake.callsOf('media/get').length;

    // A dealer's file is answered without even being fetched.
    fake.addMedia('MEDIA-DEALER', { name: '库存.csv', bytes: posCsv(ownStores) });
    const calls = mediaCalls();
    expect(await sendFile(DEALER_KF, 'MEDIA-DEALER')).toContain('经销商发来的文件不会直接导入');
    expect(mediaCalls()).toBe(calls);

    fake.addMedia('MEDIA-PDF', { name: '合同.pdf', bytes: Buffer.from('%PDF-1.7\n\0\0binary') });
    expect(await sendFile(MANAGER_KF, 'MEDIA-PDF')).toContain('不是导入用的 CSV 或 Excel');

    fake.addMedia('MEDIA-BIG', { name: '全年销售.csv', bytes: Buffer.alloc(1024 * 1024 + 10, 0x61) });
    expect(await sendFile(MANAGER_KF, 'MEDIA-BIG')).toContain('文件超过 1 MB');

    const book = await posXlsx(ownStores, skus);
    fake.addMedia('MEDIA-BROKEN', {
      name: '销售.xlsx',
      bytes: Buffer.concat([book.subarray(0, 300), Buffer.alloc(200, 1)]),
    });
    expect(await sendFile(MANAGER_KF, 'MEDIA-BROKEN')).toContain('Excel 文件打不开');

    expect(await sendFile(MANAGER_KF, 'NO-SUCH-MEDIA')).toContain('没能取到');
    expect(fake.calls.some((c) => c.method === 'media/get' && c.errcode === 40007)).toBe(true);

    fake.addMedia('MEDIA-UNKNOWN', { name: '名单.csv', bytes: Buffer.from('门店,销量\nA,1\n') });
    expect(await sendFile(MANAGER_KF, 'MEDIA-UNKNOWN')).toContain('表头和任何一种导入都对不上');

    fake.addMedia('MEDIA-OTHERS', { name: '销售.csv', bytes: posCsv([ownStores[0]!, otherStore]) });
    const others = await sendFile(MANAGER_KF, 'MEDIA-OTHERS');
    expect(others).toContain('不是您名下的经销商');
    expect(others).toContain(otherStore.slice(0, 5));

    fake.addMedia('MEDIA-PRICES', { name: '价格.csv', bytes: Buffer.from(`sku,tier,price\n${skus[0]},core,100\n`) });
    expect(await sendFile(MANAGER_KF, 'MEDIA-PRICES')).toContain(
      '这份文件像是等级价格导入。这类数据只由总部或 ERP 导入',
    );

    expect(await offerCount()).toBe(before);
  });
});

async function posXlsx(stores: string[], skus: string[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('销售');
  ws.addRow(['date', 'store_code', 'sku', 'qty', 'amount']);
  for (const s of stores) for (const sku of skus) ws.addRow(['2026-11-21', s, sku, 1, 99.5]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
