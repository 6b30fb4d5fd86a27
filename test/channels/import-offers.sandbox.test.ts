/**
 * A file sent to the sandbox (what /dev/chat does) goes the same way as a 微信客服 file: kept under a media id,
 * fetched, read and staged; HQ works it from the CLI (`offers`) and the console's imports page. Two applies at once
 * import once; an expired offer cannot be applied. Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offersCommand } from '../../bot/cli/offers.command.js';
import { importOfferReview } from '../../bot/composition.js';
import type { CliServices } from '../../bot/services.js';
import { ConsoleBrowser } from '../console/console.session.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const ADMIN_TOKEN = 'offers-console-token-0123456789';

describe('files sent to the sandbox', () => {
  let app: TestApp;
  let manager: string;
  let ownDealer: string;
  let ownStores: string[];
  let sku: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { ADMIN_TOKEN } });
    const db = app.database.db;
    const stores = await db
      .selectFrom('stores as s')
      .innerJoin('dealers as d', 'd.code', 's.dealer_code')
      .select(['s.code', 'd.code as dealer', 'd.manager_code'])
      .where('s.code', 'is not', null)
      .orderBy('s.code')
      .execute();
    manager = stores[0]!.manager_code;
    ownDealer = stores[0]!.dealer;
    ownStores = stores.filter((s) => s.manager_code === manager).map((s) => s.code!);
    sku = (await db.selectFrom('products').select('sku').orderBy('sku').executeTakeFirstOrThrow()).sku;
  }, 60_000);
  afterAll(async () => app?.close());

  const sendFile = async (from: string, name: string, content: string) => {
    const res = await app.server.inject({
      method: 'POST',
      url: '/sandbox/messages',
      payload: { from, file: { name, data: Buffer.from(content).toString('base64') } },
    });
    expect(res.statusCode).toBe(200);
    return (res.json() as { replies: string[] }).replies.join('\n');
  };
  const pos = (day: string, stores: string[]) =>
    `date,store_code,sku,qty,amount\n${stores.map((s) => `${day},${s},${sku},1,10`).join('\n')}\n`;

  /** `npm run cli -- offers ARGS` in-process on the app's database. */
  async function cli(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const offers = importOfferReview(app.database.db);
    const code = await offersCommand.run(
      args,
      app.config,
      { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false },
      {
        withServices: (fn) => fn({ offers } as CliServices),
        migrate: async () => [],
        seed: async () => 0,
      },
    );
    return { code, lines: out.map((l) => JSON.parse(l) as Record<string, any>), err };
  }

  it('a manager’s file is staged and answered; HQ applies it from the CLI and the sender is told', async () => {
    const reply = await sendFile(manager, '门店销售.csv', pos('2026-11-18', ownStores.slice(0, 2)));
    expect(reply).toMatch(/这份文件像是门店销售导入：2 行，涉及 1 家经销商。已提交总部审核（编号 #\d+/);
    expect(await sendFile(ownDealer, '门店销售.csv', pos('2026-11-18', ownStores.slice(0, 1)))).toContain(
      '经销商发来的文件不会直接导入',
    );

    const listed = await cli(['list', '--status', 'pending']);
    expect(listed.code).toBe(0);
    expect(listed.lines).toHaveLength(1);
    const id = listed.lines[0]!['id'] as number;
    expect(listed.lines[0]).toMatchObject({ entity: 'pos', rows: 2, manager_code: manager, channel: 'sandbox' });

    const preview = await cli(['preview', String(id)]);
    expect(preview).toMatchObject({ code: 0, lines: [{ result: { status: 'dry_run', inserted: 2 } }] });
    const applied = await cli(['apply', String(id)]);
    expect(applied).toMatchObject({ code: 0, lines: [{ offer: { status: 'applied' }, result: { inserted: 2 } }] });
    expect(await cli(['apply', String(id)])).toMatchObject({ code: 1, lines: [{ error: 'closed' }] });
    expect((await cli(['apply', 'x'])).code).toBe(2);

    const notices = (await app.outbox(manager)).filter((m) => m.kind === 'import.offer');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body).toContain(`（#${id}）总部已导入：新增 2 行`);
  });

  it('two applies at once import once; an expired offer cannot be applied', async () => {
    await sendFile(manager, '补录.csv', pos('2026-11-17', ownStores.slice(0, 1)));
    await sendFile(manager, '旧的.csv', pos('2026-11-16', ownStores.slice(0, 1)));
    const [late, first] = (await cli(['list', '--status', 'pending'])).lines.map((l) => l['id'] as number);

    const review = importOfferReview(app.database.db);
    const outcomes = await Promise.all([review.apply(first!, { by: 'a' }), review.apply(first!, { by: 'b' })]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['closed', 'done']);
    const runs = await app.database.db
      .selectFrom('import_runs')
      .select('id')
      .where('who', 'like', `% (offer ${first} from %`)
      .where('mode', '=', 'all')
      .execute();
    expect(runs).toHaveLength(1);

    await app.database.db
      .updateTable('import_offers')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', late!)
      .execute();
    expect(await cli(['apply', String(late)])).toMatchObject({ code: 1, lines: [{ error: 'expired' }] });
    expect((await cli(['list', '--status', 'expired'])).lines.map((l) => l['id'])).toEqual([late]);
    // Decided offers keep no file; an expired one's goes when the next offer is staged.
    const contentOf = async (id: number) =>
      (
        await app.database.db
          .selectFrom('import_offers')
          .select('content')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).content;
    expect(await contentOf(first!)).toBeNull();
    expect(await contentOf(late!)).not.toBeNull();
    await sendFile(manager, '新的.csv', pos('2026-11-13', ownStores.slice(0, 1)));
    expect(await contentOf(late!)).toBeNull();
  });

  it('HQ previews, applies and rejects on the console imports page (audited); the sender hears each outcome', async () => {
    await sendFile(manager, '控制台.csv', pos('2026-11-15', ownStores.slice(0, 1)));
    await sendFile(manager, '退回.csv', pos('2026-11-14', ownStores.slice(0, 1)));
    const [toReject, toApply] = (await cli(['list', '--status', 'pending'])).lines.map((l) => l['id'] as number);
    const b = new ConsoleBrowser(app.server);
    await b.signInHq(ADMIN_TOKEN);
    const listing = await b.get('/console/imports');
    expect(listing.statusCode).toBe(200);
    expect(listing.body).toContain('客户经理发来的文件');
    expect(listing.body).toContain('控制台.csv');
    expect(listing.body).toContain(`/console/import-offers/${toApply}/apply`);

    const done = async (url: string, form: Record<string, string> = {}) => {
      const res = await b.post(url, form);
      expect(res.statusCode).toBe(303);
      return decodeURIComponent(new URL(String(res.headers.location), 'http://x').searchParams.get('done') ?? '');
    };
    expect(await done(`/console/import-offers/${toApply}/preview`)).toContain(`#${toApply} 预览：1 行，将新增 1`);
    expect(await done(`/console/import-offers/${toApply}/apply`)).toBe('导入前请先勾选确认。');
    expect(await done(`/console/import-offers/${toApply}/apply`, { confirm: 'yes' })).toContain(
      `#${toApply} 已导入：新增 1`,
    );
    expect(await done(`/console/import-offers/${toReject}/reject`, { reason: '日期不对' })).toBe(
      `#${toReject} 已退回，并通知了客户经理。`,
    );
    expect(await done(`/console/import-offers/${toReject}/apply`, { confirm: 'yes' })).toBe(`#${toReject} 已处理过。`);
    // Without the session's CSRF token nothing happens.
    expect((await b.post(`/console/import-offers/${toReject}/reject`, {}, 'forged')).statusCode).toBe(403);

    const notices = (await app.outbox(manager)).filter((m) => m.kind === 'import.offer').map((m) => m.body);
    expect(notices.some((n) => n.includes(`（#${toApply}）总部已导入`))).toBe(true);
    expect(notices.some((n) => n.includes(`（#${toReject}）总部没有导入：日期不对`))).toBe(true);
    const audited = await app.database.db
      .selectFrom('console_audit')
      .select(['action', 'subject'])
      .where('action', 'like', 'import.offer.%')
      .orderBy('id')
      .execute();
    expect(audited.map((a) => `${a.action} ${a.subject}`)).toEqual([
      `import.offer.preview ${toApply}`,
      `import.offer.apply ${toApply}`,
      `import.offer.reject ${toReject}`,
      `import.offer.apply ${toReject}`,
    ]);
  });
});
