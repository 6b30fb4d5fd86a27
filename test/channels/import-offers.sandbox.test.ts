/**
 * A file sent to the sandbox (what /dev/chat does) goes the same way as a 微信客服 file: kept under a media id,
 * fetched, read and staged; HQ works it from the CLI (`offers`). Two applies at once import once; an expired offer
 * cannot be applied. Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offersCommand } from '../../bot/cli/offers.command.js';
import { importOfferReview } from '../../bot/composition.js';
import type { CliServices } from '../../bot/services.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

describe('files sent to the sandbox', () => {
  let app: TestApp;
  let manager: string;
  let ownDealer: string;
  let ownStores: string[];
  let sku: string;

  beforeAll(async () => {
    app = await startTestApp();
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
  });
});
