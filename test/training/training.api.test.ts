import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';
import { ConsoleBrowser } from '../console/console.session.js';

const ADMIN_TOKEN = 'training-test-admin-token-0123456789';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** HQ's side of training and honours on the seeded K slice: the admin API and the console pages. */
describe('training sessions and honours for HQ', () => {
  let app: TestApp;
  const db = () => app.database.db;

  beforeAll(async () => {
    app = await startTestApp({ now: () => TEST_NOW, env: { ADMIN_TOKEN } });
  });
  afterAll(async () => {
    await app?.close();
  });

  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    app.server.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });

  it('creates a session (201) and lists it with its seats; a past date is 422, a bad body 400, nothing stored', async () => {
    const before = await db().selectFrom('courses').select('id').execute();
    const body = {
      title: '门窗安装实操（杭州站）',
      description: '现场安装与验收。',
      starts_at: '2026-12-15T09:00:00+08:00',
      mode: 'offline',
      seats: 2,
      fee_fen: 50_000,
      target_tiers: ['core', 'key'],
      location: '杭州总部培训中心',
    };
    const created = await api('POST', '/api/training/sessions', body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ title: body.title, seats: 2, enrolled: 0, target_tiers: ['core', 'key'] });
    expect(
      (await api('POST', '/api/training/sessions', { ...body, starts_at: '2026-11-01T09:00:00+08:00' })).statusCode,
    ).toBe(422);
    expect((await api('POST', '/api/training/sessions', { ...body, seats: 0 })).statusCode).toBe(400);
    expect((await api('POST', '/api/training/sessions', { ...body, target_tiers: ['gold'] })).statusCode).toBe(400);
    expect((await db().selectFrom('courses').select('id').execute()).length).toBe(before.length + 1);
    const list = (await api('GET', '/api/training/sessions')).json() as {
      sessions: Array<{ title: string; enrolled: number }>;
    };
    expect(list.sessions.map((s) => s.title)).toContain(body.title);
    // The seeded sessions come with their enrolments.
    expect(list.sessions.some((s) => s.enrolled > 0)).toBe(true);
    expect((await app.server.inject({ method: 'GET', url: '/api/training/sessions' })).statusCode).toBe(401);
  });

  it('records attendance by seat (404 without one) and lists the honours given by rule', async () => {
    const seat = await db()
      .selectFrom('course_enrolments')
      .select(['course_id', 'dealer_code'])
      .where('status', '=', 'enrolled')
      .where('attended_at', 'is', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const ok = await api('POST', `/api/training/sessions/${seat.course_id}/attendance`, {
      dealer_code: seat.dealer_code,
    });
    expect(ok.statusCode).toBe(200);
    const row = await db()
      .selectFrom('course_enrolments')
      .select(['attended_at', 'attended_by'])
      .where('course_id', '=', seat.course_id)
      .where('dealer_code', '=', seat.dealer_code)
      .executeTakeFirstOrThrow();
    expect(row.attended_by).toBe('hq');
    expect(
      (await api('POST', `/api/training/sessions/${seat.course_id}/attendance`, { dealer_code: 'D9999' })).statusCode,
    ).toBe(404);

    const honours = (await api('GET', '/api/honours')).json() as {
      honours: Array<{ rule: string | null; title: string }>;
    };
    expect(honours.honours.some((h) => h.rule === 'terminal_breakthrough')).toBe(true);
    expect((await api('GET', '/api/honours?period=2026Q5')).statusCode).toBe(400);
  });

  it('console: sessions, a roster with the attendance form (audited), honours, and the dealer page', async () => {
    const b = new ConsoleBrowser(app.server, {}, '10.0.0.7');
    expect((await b.signInHq(ADMIN_TOKEN)).statusCode).toBe(303);
    const list = await b.get('/console/training');
    expect(list.statusCode).toBe(200);
    const seat = await db()
      .selectFrom('course_enrolments as e')
      .innerJoin('courses as c', 'c.id', 'e.course_id')
      .select(['e.course_id', 'e.dealer_code', 'c.title'])
      .where('e.status', '=', 'enrolled')
      .where('e.attended_at', 'is', null)
      .orderBy('e.id', 'desc')
      .executeTakeFirstOrThrow();
    expect(list.body).toContain(seat.title);
    const roster = await b.get(`/console/training/${seat.course_id}`);
    expect(roster.statusCode).toBe(200);
    expect(roster.body).toContain(seat.dealer_code);
    const done = await b.post(`/console/training/${seat.course_id}/attend`, { dealer_code: seat.dealer_code });
    expect(done.statusCode).toBe(303);
    const attended = await db()
      .selectFrom('course_enrolments')
      .select('attended_at')
      .where('course_id', '=', seat.course_id)
      .where('dealer_code', '=', seat.dealer_code)
      .executeTakeFirstOrThrow();
    expect(attended.attended_at).not.toBeNull();
    const audit = await db()
      .selectFrom('console_audit')
      .select(['action', 'subject'])
      .where('action', '=', 'training.attend')
      .execute();
    expect(audit).toEqual([{ action: 'training.attend', subject: `${seat.course_id}:${seat.dealer_code}` }]);
    expect((await b.post(`/console/training/${seat.course_id}/attend`, { dealer_code: 'D9999' })).statusCode).toBe(404);
    expect(
      (await b.post(`/console/training/${seat.course_id}/attend`, { dealer_code: seat.dealer_code }, 'wrong'))
        .statusCode,
    ).toBe(403);

    const honour = await db()
      .selectFrom('honours')
      .select(['dealer_code', 'title'])
      .where('rule_code', 'is not', null)
      .executeTakeFirstOrThrow();
    const honoursPage = await b.get('/console/honours');
    expect(honoursPage.statusCode).toBe(200);
    expect(honoursPage.body).toContain(honour.title);
    const dealerPage = await b.get(`/console/dealers/${honour.dealer_code}`);
    expect(dealerPage.body).toContain(honour.title);
    const seatPage = await b.get(`/console/dealers/${seat.dealer_code}`);
    expect(seatPage.body).toContain(seat.title);
  });
});
