import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TIER_NAMES_ZH } from '../../../core/dealers/tiers.js';
import type { Session } from '../../../core/training/training.types.js';
import { consoleTexts as t } from '../../replies/console.texts.js';
import { formatYuan } from '../../replies/policy.explain.js';
import { audit, type ConsoleDeps, ctxOf, flash, notFound, sendPage } from '../context.js';
import { html } from '../html.js';
import { csrfField, page, when } from '../layout.js';
import { hqOnly } from './hq-only.js';

const T = t.training;
const H = t.honours;
const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const doneQuery = z.object({ done: z.string().max(200).optional() });
const attendBody = z.object({ _csrf: z.string(), dealer_code: z.string().regex(/^D\d{4}$/) });
const honoursQuery = z.object({
  period: z
    .string()
    .regex(/^\d{4}(Q[1-4])?$/)
    .optional(),
});

const targets = (s: Session) =>
  [s.targetTiers.map((x) => TIER_NAMES_ZH[x]).join('、'), s.targetTags.join('、')].filter(Boolean).join(' · ') ||
  T.everyone;

/** Training sessions (seats, waitlists, attendance; HQ records attendance here too) and honours given. HQ only. */
export function trainingPages(deps: ConsoleDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.addHook('preValidation', hqOnly);

    app.get('/console/training', async (req, reply) => {
      const ctx = ctxOf(req);
      const rosters = await deps.services.training.rosters(null, 200);
      const body = html`<table><tr><th>${T.session}</th><th>${T.startsAt}</th><th>${T.mode}</th><th>${T.targets}</th><th>${T.fee}</th><th>${T.seats}</th><th>${T.enrolled}</th><th>${T.waitlisted}</th><th>${T.attended}</th></tr>
        ${rosters.map(({ session: s, enrolments }) => html`<tr><td><a href="/console/training/${s.id}">${s.title}</a></td><td>${when(s.startsAt)}</td><td>${s.mode === 'online' ? T.online : T.offline}${s.location ? ` · ${s.location}` : ''}</td><td>${targets(s)}</td><td class="n">${s.feeFen === 0 ? T.free : formatYuan(s.feeFen)}</td><td class="n">${s.seats}</td><td class="n">${s.enrolled}</td><td class="n">${s.waitlisted}</td><td class="n">${enrolments.filter((e) => e.attendedAt).length}</td></tr>`)}</table>`;
      return sendPage(reply, page(ctx.page, T.title, 'training', body));
    });

    app.get('/console/training/:id', { schema: { params: idParams, querystring: doneQuery } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const roster = (await deps.services.training.rosters(null, 500)).find((r) => r.session.id === req.params.id);
      if (!roster) return notFound(reply, ctx.page);
      const s = roster.session;
      const body = html`${flash(req.query.done)}
        <p>${when(s.startsAt)} · ${s.mode === 'online' ? T.online : T.offline}${s.location ? ` · ${s.location}` : ''} · ${T.targets}：${targets(s)} · ${T.fee} ${s.feeFen === 0 ? T.free : formatYuan(s.feeFen)} · ${T.enrolled} ${s.enrolled}/${s.seats} · ${T.waitlisted} ${s.waitlisted}</p>
        <p class="muted">${s.description}</p>
        ${
          roster.enrolments.length
            ? html`<table><tr><th>${T.dealer}</th><th>${T.tier}</th><th>${T.status}</th><th>${T.fee}</th><th>${T.enrolledAt}</th><th>${T.attended}</th></tr>
          ${roster.enrolments.map(
            (e) =>
              html`<tr><td><a href="/console/dealers/${e.dealerCode}">${e.dealerCode}</a> ${e.dealerName}</td><td>${TIER_NAMES_ZH[e.tier]}</td><td>${e.status === 'enrolled' ? T.statusEnrolled : T.statusWaitlisted}</td><td class="n">${e.feeFen === 0 ? T.free : formatYuan(e.feeFen)}</td><td>${when(e.enrolledAt)}</td><td>${
                e.attendedAt
                  ? when(e.attendedAt)
                  : e.status === 'enrolled'
                    ? html`<form method="post" action="/console/training/${s.id}/attend">${csrfField(ctx.page.csrf)}<input type="hidden" name="dealer_code" value="${e.dealerCode}"><button type="submit">${T.markAttended}</button></form>`
                    : '—'
              }</td></tr>`,
          )}</table>`
            : html`<p class="muted">${T.none}</p>`
        }`;
      return sendPage(reply, page(ctx.page, s.title, 'training', body));
    });

    app.post('/console/training/:id/attend', { schema: { params: idParams, body: attendBody } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const code = req.body.dealer_code;
      const e = await deps.services.training.markAttendedById({
        courseId: req.params.id,
        dealerCode: code,
        by: 'hq',
        now: deps.now(),
      });
      if (!e)
        return sendPage(reply, page(ctx.page, T.title, 'training', html`<p class="err">${T.noSeat(code)}</p>`), 404);
      await audit(deps, req, ctx.viewer, 'training.attend', `${req.params.id}:${code}`);
      return reply.redirect(`/console/training/${req.params.id}?done=${encodeURIComponent(T.recorded(code))}`, 303);
    });

    app.get('/console/honours', { schema: { querystring: honoursQuery } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const list = await deps.services.honours.list({ period: req.query.period, limit: 500 });
      const body = html`<p class="muted">${H.rules}</p>
        ${
          list.length
            ? html`<table><tr><th>${H.honour}</th><th>${H.dealer}</th><th>${H.province}</th><th>${H.period}</th><th>${H.reason}</th><th>${H.awardedOn}</th></tr>
          ${list.map((h) => html`<tr><td>${h.title}</td><td><a href="/console/dealers/${h.dealerCode}">${h.dealerCode}</a> ${h.dealerName}</td><td>${h.province}</td><td>${h.period ?? '—'}</td><td>${h.reason ?? '—'}</td><td>${h.awardedOn}</td></tr>`)}</table>`
            : html`<p class="muted">${H.none}</p>`
        }`;
      return sendPage(reply, page(ctx.page, H.title, 'honours', body));
    });
  };
}
