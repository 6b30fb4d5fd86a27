/**
 * PostgreSQL ends every connection of the app while callbacks flow (a restart, failover or pg_terminate_backend,
 * error 57P01 on checked-out clients), then refuses new ones for a while (an outage) as WeCom sends fail: the
 * process stays up, /readyz recovers by itself, and every acked message is processed once with its reply.
 * PostgreSQL only (PGlite has no server to drop connections).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../db/connect.js';
import { type FakeWecom, startFakeWecom } from '../fakes/wecom/fake-wecom.server.js';
import { adminQuery, type ServerProcess, startServerProcess, waitForDrain } from './server-process.js';
import { signedCallback, textXml, WECOM, wecomEnv } from './wecom.harness.js';

const TOTAL = 400;
const SENDERS = 40;
const DROPS = 3;
const OUTAGE_MS = 2_500;
const ADMIN_TOKEN = 'dbdrop-test-admin-token-0123456789';
const templates = inject('pgTemplates');

describe.skipIf(!templates)('PostgreSQL drops the connections under load (real process)', () => {
  let fake: FakeWecom;
  let handle: DatabaseHandle;
  let dbUrl: string;
  const dbName = `gs_dbdrop_${randomBytes(6).toString('hex')}`;
  let server: ServerProcess | null = null;

  beforeAll(async () => {
    fake = await startFakeWecom({ corpId: WECOM.corpId, secrets: [WECOM.secret] });
    await adminQuery(templates!.url, `create database ${dbName} template ${templates!.empty}`);
    const u = new URL(templates!.url);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
    handle = await openDatabase({ kind: 'postgres', url: dbUrl, poolSize: 1 });
  });
  afterAll(async () => {
    if (server && server.proc.exitCode === null && server.proc.signalCode === null) server.proc.kill('SIGKILL');
    await handle?.close();
    await adminQuery(templates!.url, `drop database if exists ${dbName} with (force)`);
    await fake?.close();
  });

  it('stays up, becomes ready again by itself and loses no acked message', { timeout: 180_000 }, async () => {
    server = await startServerProcess({
      ...wecomEnv(fake.baseUrl),
      DATABASE_URL: dbUrl,
      DB_POOL_SIZE: '10',
      PORT: '0',
      ADMIN_TOKEN,
      WECOM_MAX_SKEW_SEC: '3600',
      LOG_LEVEL: 'fatal',
    });
    const s = server;
    const messages = Array.from({ length: TOTAL }, (_, i) => {
      const msgId = String(8_200_000_000_000_000_000n + BigInt(i));
      return { msgId, cb: signedCallback(textXml({ from: `drop-user-${i % SENDERS}`, content: `你好 ${i}`, msgId })) };
    });
    const acked = new Set<string>();
    const post = async (m: (typeof messages)[number]) => {
      try {
        const res = await fetch(s.url + m.cb.url, {
          method: 'POST',
          body: m.cb.body,
          headers: { 'content-type': 'text/xml' },
        });
        if (res.status === 200 && (await res.text()) === '') acked.add(m.msgId);
      } catch {
        // Refused or reset: not acked, WeCom retries.
      }
    };

    // Callbacks flow from 10 concurrent posters; the database ends all of the app's connections DROPS times.
    let next = 0;
    const posting = Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < TOTAL) await post(messages[next++]!);
      }),
    );
    for (let d = 0; d < DROPS; d++) {
      const target = ((d + 1) * TOTAL) / (DROPS + 2);
      while (acked.size < target && next < TOTAL) await new Promise((r) => setTimeout(r, 10));
      await adminQuery(
        dbUrl,
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
    }
    // An outage: connections ended and refused for a while, and the WeCom calls in flight fail meanwhile, so the
    // dispatcher cannot record their retries (before the fix, an unhandled rejection ended the process).
    while (acked.size < ((DROPS + 1) * TOTAL) / (DROPS + 2) && next < TOTAL)
      await new Promise((r) => setTimeout(r, 10));
    fake.inject('message/send', { delayMs: 300, status: 502 }, 40);
    await new Promise((r) => setTimeout(r, 150));
    await adminQuery(templates!.url, `alter database ${dbName} allow_connections false`);
    await adminQuery(
      templates!.url,
      `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${dbName}'`,
    );
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await adminQuery(templates!.url, `alter database ${dbName} allow_connections true`);
    await posting;
    expect(server.proc.exitCode, server.stderr()).toBeNull();

    // /readyz recovers with no one restarting anything.
    const readyBy = Date.now() + 30_000;
    for (;;) {
      const res = await fetch(`${s.url}/readyz`).catch(() => null);
      if (res?.status === 200) break;
      if (Date.now() > readyBy) throw new Error(`/readyz did not recover: ${res?.status} ${s.stderr()}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    // WeCom retries whatever was not acked.
    for (const m of messages) if (!acked.has(m.msgId)) await post(m);
    expect(acked.size).toBe(TOTAL);

    await waitForDrain(s, ADMIN_TOKEN, TOTAL, 120_000);
    expect(server.proc.exitCode, server.stderr()).toBeNull();
    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const db = handle.db;
    const inbound = await db.selectFrom('inbound_messages').select(['dedupe_key', 'status']).execute();
    expect(inbound).toHaveLength(TOTAL);
    expect(inbound.every((m) => m.status === 'done')).toBe(true);
    const replies = await db
      .selectFrom('outbox')
      .select(['in_reply_to', db.fn.countAll<number>().as('n')])
      .where('in_reply_to', 'is not', null)
      .groupBy('in_reply_to')
      .execute();
    expect(replies).toHaveLength(TOTAL);
    expect(replies.every((x) => Number(x.n) === 1)).toBe(true);
  });
});
