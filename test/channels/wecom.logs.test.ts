import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../../adapters/kv/memory.kv.js';
import { loadConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { type App, composeApp } from '../../bot/main.js';
import { pipelineMetrics } from '../../bot/pipeline/metrics.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { openTestDatabase } from '../helpers/db.js';
import { signedCallback, textXml, WECOM, wecomEnv } from './wecom.harness.js';

const ADMIN_TOKEN = 'log-test-admin-token-7f3a9c';

/** Every line the app's logger writes, as parsed JSON. */
class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text() {
    return this.lines.join('\n');
  }
}

describe('logs under attack and secrets in logs (issue 14, defect 6)', () => {
  let app: App;
  let database: DatabaseHandle;
  let kv: MemoryKeyValueStore;
  const capture = new LogCapture();

  beforeAll(async () => {
    database = await openTestDatabase({ seeded: false });
    kv = new MemoryKeyValueStore();
    const config = loadConfig({ ...wecomEnv('http://127.0.0.1:9'), ADMIN_TOKEN, LOG_LEVEL: 'info' });
    app = await composeApp(config, {
      database,
      kv,
      log: createLogger({ level: 'info' }, capture),
      startPipeline: false,
    });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    await kv?.close();
  });

  it('counts every forged callback and samples its log lines', async () => {
    const before = pipelineMetrics.get('wecom_callback_rejected');
    const linesBefore = capture.lines.length;
    for (let i = 0; i < 200; i++) {
      // Signed with the wrong token: a forgery.
      const cb = signedCallback(textXml({ from: 'forger', content: 'x', msgId: String(9_000_000 + i) }), {
        token: 'not-the-token',
      });
      const res = await app.server.inject({ method: 'POST', url: cb.url, payload: cb.body });
      expect(res.statusCode).toBe(401);
    }
    expect(pipelineMetrics.get('wecom_callback_rejected') - before).toBe(200);
    const written = capture.lines.slice(linesBefore);
    // Not 3 lines per forgery (600 lines): a sampled few, each saying how many were left out.
    expect(written.length).toBeLessThanOrEqual(5);
    expect(written.some((l) => l.includes('wecom callback rejected'))).toBe(true);
  });

  it('still logs a genuine callback (one line)', async () => {
    const linesBefore = capture.lines.length;
    const cb = signedCallback(textXml({ from: 'real-user', content: '你好', msgId: '88001' }));
    const res = await app.server.inject({ method: 'POST', url: cb.url, payload: cb.body });
    expect(res.statusCode).toBe(200);
    expect(capture.lines.slice(linesBefore).some((l) => l.includes('wecom callback stored'))).toBe(true);
  });

  it('redacts the admin token and WeCom secrets from request logs', async () => {
    const linesBefore = capture.lines.length;
    await app.server.inject({ method: 'GET', url: `/api/needs/report?token=${ADMIN_TOKEN}&from=2026-01-01` });
    await app.server.inject({
      method: 'GET',
      url: `/healthz?access_token=${WECOM.secret}&corpsecret=${WECOM.secret}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    // A mistyped route: fastify's own 404 line used to carry the raw URL.
    for (const url of [`/api/no-such-route?token=${ADMIN_TOKEN}`, `/sandbox/people?%74oken=${ADMIN_TOKEN}`]) {
      expect((await app.server.inject({ method: 'POST', url, payload: 'x' })).statusCode).toBe(404);
    }
    app.log.info({ config: { secret: WECOM.secret, adminToken: ADMIN_TOKEN } }, 'settings');
    const written = capture.lines.slice(linesBefore).join('\n');
    expect(written).toContain('/api/needs/report');
    expect(written).toContain('/api/no-such-route');
    expect(written).not.toContain(ADMIN_TOKEN);
    expect(written).not.toContain(WECOM.secret);
    expect(written).toContain('redacted');
  });
});
