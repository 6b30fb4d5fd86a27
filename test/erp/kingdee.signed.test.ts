import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KingdeeClient } from '../../adapters/erp/kingdee/kingdee.client.js';
import { importFile } from '../../adapters/imports/import-file.js';
import { erpSyncService, importService } from '../../bot/composition.js';
import { loadConfig } from '../../bot/config.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { type FakeKingdee, startFakeKingdee } from '../fakes/kingdee/fake-kingdee.server.js';
import { openTestDatabase } from '../helpers/db.js';

const EXAMPLES = fileURLToPath(new URL('../../adapters/imports/examples/', import.meta.url));
// An app id as K/3 Cloud's 第三方系统登录授权 issues it: client id, '_', 32 base64 characters.
const APP = { appId: '224417_YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4', appSecret: 'b2c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8' };

describe('ERP sync with the signed-header login (fake K/3 Cloud checks every signature)', () => {
  let h: DatabaseHandle;
  let fake: FakeKingdee;
  const receivables = async () =>
    Number((await sql<{ n: number }>`select count(*)::int as n from receivables`.execute(h.db)).rows[0]!.n);
  const env = (over: Record<string, string> = {}) =>
    loadConfig({
      ERP_KINGDEE_URL: fake.baseUrl,
      ERP_KINGDEE_ACCT_ID: 'K01',
      ERP_KINGDEE_USERNAME: 'api',
      ERP_KINGDEE_APP_ID: APP.appId,
      ERP_KINGDEE_APP_SECRET: APP.appSecret,
      ERP_RETRIES: '0',
      ...over,
    });

  beforeAll(async () => {
    h = await openTestDatabase();
    for (const entity of ['managers', 'dealers'] as const) {
      const { result } = await importFile(importService(h.db), {
        entity,
        path: `${EXAMPLES}${entity}.csv`,
        mode: 'all',
        who: 'test',
      });
      expect(result.status).toBe('applied');
    }
    fake = await startFakeKingdee({ app: APP });
    fake.rows('AR_receivable').push({
      FID: 3001,
      FBillNo: 'AR3001',
      FDate: '2026-11-21T00:00:00',
      'FCUSTOMERID.FNumber': 'D9001',
      // A customised BOS's own field carrying our dealer code (read through a mapping file below).
      F_GS_DealerCode: 'D9001',
      FALLAMOUNTFOR: 5000,
      FENDDATE_H: '2026-12-21T00:00:00',
      FDocumentStatus: 'C',
      FModifyDate: '2026-11-21T10:00:00',
    });
  });
  afterAll(async () => {
    await fake?.close();
    await h?.close();
  });
  beforeEach(() => {
    fake.calls.length = 0;
  });

  it('config chooses the login: the app id and secret sign every request, no ValidateUser, no password', async () => {
    expect(env().erp!.kingdee.auth).toEqual({ kind: 'signed', ...APP, orgNum: '0' });
    const [report] = await erpSyncService(env(), h.db)!.sync({ who: 'test', form: 'AR_receivable' });
    expect(report).toMatchObject({ status: 'applied', inserted: 1 });
    expect(fake.calls.map((c) => [c.service, c.answered])).toEqual([['ExecuteBillQuery', 'rows']]);
    expect(await receivables()).toBe(1);
  });

  it('a wrong app secret is refused by the site: the run fails, nothing is imported, the error says why', async () => {
    const before = await receivables();
    fake.rows('AR_receivable')[0]!.FModifyDate = '2026-11-29T10:00:00';
    fake.rows('AR_receivable')[0]!.FALLAMOUNTFOR = 6000;
    const bad = env({ ERP_KINGDEE_APP_SECRET: 'not-the-secret' });
    const [report] = await erpSyncService(bad, h.db)!.sync({ who: 'test', form: 'AR_receivable' });
    expect(report).toMatchObject({ status: 'failed' });
    expect(report!.error).toContain('第三方系统登录授权校验失败：应用签名校验失败');
    expect(fake.calls.map((c) => c.answered)).toEqual(['unsigned']);
    expect(await receivables()).toBe(before);
    const amount = await h.db.selectFrom('receivables').select('amount_fen').executeTakeFirstOrThrow();
    expect(Number(amount.amount_fen)).toBe(500_000);
  });

  it('a gateway signature made with a clock 13 minutes off is refused; the right clock is answered', async () => {
    const base = { baseUrl: fake.baseUrl, acctId: 'K01', username: 'api', lcid: 2052, timeoutMs: 2000, retries: 0 };
    const auth = { kind: 'signed' as const, ...APP, orgNum: '0' };
    const query = {
      FormId: 'AR_receivable',
      FieldKeys: 'FID',
      FilterString: '',
      OrderString: '',
      StartRow: 0,
      Limit: 10,
    };
    const stale = new KingdeeClient({ ...base, auth, now: () => new Date(Date.now() - 13 * 60_000) });
    await expect(stale.billQuery(query)).rejects.toThrow(/X-Api-TimeStamp过期/);
    const fine = new KingdeeClient({ ...base, auth });
    expect(await fine.billQuery(query)).toEqual([[3001]]);
    // The API gateway's refusal (HTTP 519 + errcode) is an answer, not an outage: reported, not retried.
    fake.failQuery({ kind: 'gateway' });
    const retrying = new KingdeeClient({ ...base, auth, retries: 2, retryDelayMs: 0 });
    await expect(retrying.billQuery(query)).rejects.toThrow(/gateway 4006 认证失败/);
    expect(fake.calls.filter((c) => c.answered === 'gateway')).toHaveLength(1);
  });

  it('rejects a half-given or doubled login at start, naming the setting', () => {
    expect(() => env({ ERP_KINGDEE_PASSWORD: 'secret' })).toThrow(/not both/);
    expect(() =>
      loadConfig({
        ERP_KINGDEE_URL: 'http://erp.local/k3cloud/',
        ERP_KINGDEE_ACCT_ID: 'K01',
        ERP_KINGDEE_USERNAME: 'api',
        ERP_KINGDEE_APP_ID: APP.appId,
      }),
    ).toThrow(/ERP_KINGDEE_APP_SECRET: required with ERP_KINGDEE_APP_ID/);
    expect(() => env({ ERP_KINGDEE_APP_ID: '224417_tooshort' })).toThrow(/ERP_KINGDEE_APP_ID: expected/);
    expect(() =>
      loadConfig({
        ERP_KINGDEE_URL: 'http://erp.local/k3cloud/',
        ERP_KINGDEE_ACCT_ID: 'K01',
        ERP_KINGDEE_USERNAME: 'a',
      }),
    ).toThrow(/ERP_KINGDEE_PASSWORD: required \(or ERP_KINGDEE_APP_ID/);
  });

  it('ERP_KINGDEE_MAPPING: a JSON file, not code, decides the field keys the sync reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-kd-map-'));
    try {
      const mapping = join(dir, 'kingdee.json');
      writeFileSync(
        mapping,
        JSON.stringify({
          forms: [
            {
              form: 'AR_receivable',
              entity: 'receivables',
              billId: 'FID',
              billKey: 'FBillNo',
              date: 'FDate',
              modified: 'FModifyDate',
              filter: "FDocumentStatus = 'C'",
              columns: {
                bill_no: 'FBillNo',
                dealer_code: 'F_GS_DealerCode',
                amount: 'FALLAMOUNTFOR',
                due_date: 'FENDDATE_H',
                bill_date: 'FDate',
                modified_at: 'FModifyDate',
              },
            },
          ],
        }),
      );
      const reports = await erpSyncService(env({ ERP_KINGDEE_MAPPING: mapping }), h.db)!.sync({ who: 'test' });
      expect(reports.map((r) => [r.form, r.status, r.updated])).toEqual([['AR_receivable', 'applied', 1]]);
      expect(fake.queries('AR_receivable')[0]!.FieldKeys.split(',')).toContain('F_GS_DealerCode');
      const row = await h.db.selectFrom('receivables').select(['dealer_code', 'amount_fen']).executeTakeFirstOrThrow();
      expect([row.dealer_code, Number(row.amount_fen)]).toEqual(['D9001', 600_000]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
