/**
 * Crash safety with a real server process: 500 WeCom callbacks, SIGKILL in the middle, restart on the same
 * database, WeCom's retries for everything not acked → every acked message is processed exactly once (one
 * reply row per inbound message), nothing acked is lost.
 * PGlite: a data dir owned by the child process. PostgreSQL (TEST_DATABASE_URL): a fresh database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../db/connect.js';
import { type FakeWecom, startFakeWecom } from '../fakes/wecom/fake-wecom.server.js';
import {
  adminQuery,
  type ServerProcess as Child,
  startServerProcess as startChild,
  waitForDrain,
} from './server-process.js';
import { signedCallback, textXml, WECOM, wecomEnv } from './wecom.harness.js';

const TOTAL = 500;
const KILL_AFTER_ACKS = 150;
const SENDERS = 50;
const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';

describe('crash in the middle of a load (real process, SIGKILL)', () => {
  let fake: FakeWecom;
  let pgHandle: DatabaseHandle | null = null;
  let dbEnv: Record<string, string>;
  let pgliteDir: string | null = null;
  let dbName: string | null = null;
  const children: Child[] = [];

  beforeAll(async () => {
    fake = await startFakeWecom({ corpId: WECOM.corpId, secrets: [WECOM.secret] });
    const templates = inject('pgTemplates');
    if (templates) {
      // Its own name (not gs_t_*): another run's teardown sweeps gs_t_* databases, and this test is long.
      dbName = `gs_crash_${randomBytes(6).toString('hex')}`;
      await adminQuery(templates.url, `create database ${dbName} template ${templates.empty}`);
      const u = new URL(templates.url);
      u.pathname = `/${dbName}`;
      dbEnv = { DATABASE_URL: u.toString(), DB_POOL_SIZE: '10' };
      pgHandle = await openDatabase({ kind: 'postgres', url: u.toString(), poolSize: 2 });
    } else {
      pgliteDir = mkdtempSync(join(tmpdir(), 'gs-crash-'));
      dbEnv = { PGLITE_DIR: join(pgliteDir, 'pg') };
    }
  });
  afterAll(async () => {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await pgHandle?.close();
    const templates = inject('pgTemplates');
    if (templates && dbName) await adminQuery(templates.url, `drop database if exists ${dbName} with (force)`);
    await fake?.close();
    if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
  });

  it('every acked message is processed exactly once after a restart', { timeout: 240_000 }, async () => {
    const env = {
      ...wecomEnv(fake.baseUrl),
      ...dbEnv,
      PORT: '0',
      ADMIN_TOKEN,
      WECOM_MAX_SKEW_SEC: '3600',
      LOG_LEVEL: 'warn',
    };
    const messages = Array.from({ length: TOTAL }, (_, i) => {
      const msgId = String(8_100_000_000_000_000_000n + BigInt(i));
      return { msgId, cb: signedCallback(textXml({ from: `crash-user-${i % SENDERS}`, content: `你好 ${i}`, msgId })) };
    });

    const first = await startChild(env);
    children.push(first);
    const acked = new Set<string>();
    let next = 0;
    let killed = false;
    const post = async (child: Child, m: (typeof messages)[number]) => {
      try {
        const res = await fetch(child.url + m.cb.url, {
          method: 'POST',
          body: m.cb.body,
          headers: { 'content-type': 'text/xml' },
        });
        const body = await res.text();
        if (res.status === 200 && body === '') acked.add(m.msgId);
      } catch {
        // Connection reset by the kill: not acked, WeCom would retry.
      }
    };
    // 20 concurrent senders against the first process; SIGKILL once enough are acked, mid-stream.
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (!killed && next < TOTAL) {
          await post(first, messages[next++]!);
          if (!killed && acked.size >= KILL_AFTER_ACKS) {
            killed = true;
            first.proc.kill('SIGKILL');
          }
        }
      }),
    );
    await first.exited;
    const ackedBeforeCrash = new Set(acked);
    expect(ackedBeforeCrash.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(ackedBeforeCrash.size).toBeLessThan(TOTAL);

    // Restart on the same database; WeCom retries what was not acked, and (as it does) some acked ones too.
    const second = await startChild(env);
    children.push(second);
    const retries = messages.filter((m, i) => !ackedBeforeCrash.has(m.msgId) || i % 10 === 0);
    let r = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (r < retries.length) await post(second, retries[r++]!);
      }),
    );
    expect(acked.size).toBe(TOTAL);

    await waitForDrain(second, ADMIN_TOKEN, TOTAL, 150_000);
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    // Verify from the database itself.
    const handle = pgHandle ?? (await openDatabase({ kind: 'pglite', dataDir: dbEnv.PGLITE_DIR! }));
    try {
      const db = handle.db;
      const inbound = await db.selectFrom('inbound_messages').select(['id', 'dedupe_key', 'status']).execute();
      expect(inbound).toHaveLength(TOTAL);
      const byKey = new Map(inbound.map((m) => [m.dedupe_key, m]));
      for (const id of ackedBeforeCrash) expect(byKey.get(`msg:${id}`)?.status).toBe('done');
      expect(inbound.every((m) => m.status === 'done')).toBe(true);

      const replies = await db
        .selectFrom('outbox')
        .select(['in_reply_to', db.fn.countAll<number>().as('n')])
        .where('in_reply_to', 'is not', null)
        .groupBy('in_reply_to')
        .execute();
      expect(replies).toHaveLength(TOTAL);
      expect(replies.every((x) => Number(x.n) === 1)).toBe(true);
      const unsent = await db.selectFrom('outbox').select('id').where('status', '!=', 'sent').execute();
      expect(unsent).toHaveLength(0);
      // At least once on the wire: a reply claimed when the process died may have been sent before its
      // "sent" mark; WeCom app messages carry no idempotency key. Never fewer than one per message.
      expect(fake.callsOf('message/send').filter((c) => c.errcode === 0).length).toBeGreaterThanOrEqual(TOTAL);
    } finally {
      if (!pgHandle) await handle.close();
    }
  });
});
