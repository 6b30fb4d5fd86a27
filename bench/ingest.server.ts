/**
 * One callback server for bench/ingest.bench.ts, in its own process: `tsx bench/ingest.server.ts KIND PORT [PG_URL]`.
 * KIND: `ours` (the composed app's /wecom/callback and /miniprogram/callback: verify, decrypt, parse, dedupe,
 * persist, ack; worker and dispatcher off so only ingest is measured), `wechat-enterprise` (Express) or `co-wechat` (Koa). The peers only
 * verify and decrypt, then answer an empty 200. Prints `listening PORT` when ready.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import pino from 'pino';
import { loadConfig } from '../bot/config.js';
import { composeApp } from '../bot/main.js';
import { BENCH_MP, BENCH_WECOM } from './ingest.shared.js';

const require = createRequire(import.meta.url);
const [kind, portArg, pgUrl] = process.argv.slice(2);
const port = Number(portArg);

async function main(): Promise<void> {
  if (kind === 'ours') {
    if (!pgUrl) throw new Error('ours needs a PostgreSQL URL');
    const config = loadConfig({
      DATABASE_URL: pgUrl,
      DB_POOL_SIZE: '16',
      SEED_ON_EMPTY: '0',
      LOG_LEVEL: 'warn',
      WECOM_CORP_ID: BENCH_WECOM.corpId,
      WECOM_TOKEN: BENCH_WECOM.token,
      WECOM_AES_KEY: BENCH_WECOM.aesKey,
      WECOM_AGENT_ID: BENCH_WECOM.agentId,
      WECOM_SECRET: 'bench-secret',
      WECOM_API_BASE: 'http://127.0.0.1:9',
      // The mini-program callback too (same process, same database): its ingest is measured against WeCom's.
      MP_APP_ID: BENCH_MP.appId,
      MP_APP_SECRET: BENCH_MP.appSecret,
      MP_TOKEN: BENCH_MP.token,
      MP_AES_KEY: BENCH_MP.aesKey,
      MP_API_BASE: 'http://127.0.0.1:9',
      SCHEDULER_ENABLED: '0',
      // Batches in flight, to compare settings (issue 14, 9e): the bench's own environment decides.
      WECOM_INGEST_BATCHES: process.env.WECOM_INGEST_BATCHES ?? '1',
    });
    const app = await composeApp(config, { startPipeline: false, log: pino({ level: 'warn' }) });
    await app.server.listen({ port, host: '127.0.0.1' });
  } else if (kind === 'wechat-enterprise') {
    const express = require('express');
    // The package's index also loads its API client; the callback middleware is lib/wechat-enterprise.
    const wechat = require('wechat-enterprise/lib/wechat-enterprise');
    const app = express();
    app.use(
      '/wecom/callback',
      wechat(
        { token: BENCH_WECOM.token, encodingAESKey: BENCH_WECOM.aesKey, corpId: BENCH_WECOM.corpId },
        (_req: unknown, res: { reply(s: string): void }) => res.reply(''),
      ),
    );
    await new Promise<void>((resolve) => createServer(app).listen(port, '127.0.0.1', resolve));
  } else if (kind === 'co-wechat') {
    const Koa = require('koa');
    const wechat = require('co-wechat');
    const app = new Koa();
    const mw = wechat({
      token: BENCH_WECOM.token,
      appid: BENCH_WECOM.corpId,
      encodingAESKey: BENCH_WECOM.aesKey,
    }).middleware(async () => '');
    app.use(async (ctx: { path: string }, next: () => Promise<void>) =>
      ctx.path === '/wecom/callback' ? mw(ctx, next) : next(),
    );
    await new Promise<void>((resolve) => createServer(app.callback()).listen(port, '127.0.0.1', resolve));
  } else {
    throw new Error(`unknown server kind ${kind}`);
  }
  process.stdout.write(`listening ${port}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
