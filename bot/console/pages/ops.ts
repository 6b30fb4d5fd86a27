import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isHq, lastMonths, TIERS } from '../../../core/console/index.js';
import { INTENTS } from '../../../core/common/intents.js';
import type { VoucherKind } from '../../../core/care/offers.js';
import { shanghaiDate } from '../../../core/common/time.js';
import { TIER_BENEFITS, TIER_NAMES_ZH, TIER_RANK } from '../../../core/dealers/tiers.js';
import type { ImportOfferReview } from '../../../core/imports/offer.service.js';
import { benefitLines } from '../../replies/accounts.replies.js';
import { ENTITY_ZH } from '../../replies/files.replies.js';
import { voucherName } from '../../replies/care.replies.js';
import { formatYuan } from '../../replies/policy.explain.js';
import { consoleTexts as t } from '../../replies/console.texts.js';
import { runInstant, runnableJobs } from '../../scheduler/jobs/index.js';
import { barChart } from '../charts.js';
import { audit, type ConsoleDeps, ctxOf, flash, notFound, sendPage } from '../context.js';
import { html } from '../html.js';
import { csrfField, page, when } from '../layout.js';
import { hqOnly } from './hq-only.js';

const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const doneQuery = z.object({ done: z.string().max(200).optional() });
const csrfOnly = z.object({ _csrf: z.string() });
const labelBody = z.union([
  z.object({ _csrf: z.string(), intent: z.enum(INTENTS) }),
  z.object({ _csrf: z.string(), discard: z.literal('1') }),
]);
const jobParams = z.object({ name: z.string().max(60) });
const jobBody = z.object({
  _csrf: z.string(),
  date: z.preprocess((v) => (v === '' ? undefined : v), z.iso.date().optional()),
});
const offerParams = z.object({
  id: z.coerce.number().int().positive().max(2_147_483_647),
  action: z.enum(['preview', 'apply', 'reject']),
});
const offerBody = z.object({
  _csrf: z.string(),
  /** Applying takes the ticked confirmation (the console runs no script). */
  confirm: z.literal('yes').optional(),
  partial: z.literal('1').optional(),
  reason: z.string().max(200).optional(),
});
const redirectDone = (path: string, text: string) => `${path}?done=${encodeURIComponent(text)}`;

/** The files managers sent in chat and wait for HQ: preview, apply (all, or the good rows), reject with a reason. */
async function offersSection(review: ImportOfferReview, csrf: string) {
  const O = t.offers;
  const pending = await review.list({ status: 'pending', limit: 100 });
  const rows = pending.map(
    (
      o,
    ) => html`<tr><td class="n">${o.id}</td><td>${o.managerCode}</td><td>${o.fileName}</td><td>${ENTITY_ZH[o.entity]}</td>
      <td class="n">${o.rows}</td><td>${o.dealerCodes.length <= 3 ? o.dealerCodes.join('、') : `${o.dealerCodes.length}`}</td>
      <td>${when(o.expiresAt)}</td><td>${o.last ? html`<a href="/console/imports/${o.last.runId}">${O.lastRun(o.last)}</a>` : '—'}</td>
      <td><form method="post" action="/console/import-offers/${o.id}/preview">${csrfField(csrf)}<button type="submit">${O.preview}</button></form>
        <form method="post" action="/console/import-offers/${o.id}/apply">${csrfField(csrf)}<label><input type="checkbox" name="confirm" value="yes" required> ${O.confirmApply}</label> <label><input type="checkbox" name="partial" value="1"> ${O.partial}</label> <button type="submit">${O.apply}</button></form>
        <form method="post" action="/console/import-offers/${o.id}/reject">${csrfField(csrf)}<input type="text" name="reason" maxlength="200" placeholder="${O.reason}"> <button type="submit">${O.reject}</button></form></td></tr>`,
  );
  return html`<section><h2>${O.title}</h2>${
    pending.length
      ? html`<table><tr><th>#</th><th>${O.manager}</th><th>${O.file}</th><th>${O.entity}</th><th>${O.rows}</th><th>${O.dealers}</th><th>${O.expires}</th><th>${O.last}</th><th></th></tr>${rows}</table>`
      : html`<p class="muted">${O.none}</p>`
  }</section>`;
}

/** HQ's operating pages: tiers, imports, conversations to label, jobs, the audit log. */
export function opsPages(deps: ConsoleDeps) {
  return async (base: FastifyInstance) => {
    await base.register(followupPages(deps));
    await base.register(hqPages(deps));
  };
}

function hqPages(deps: ConsoleDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.addHook('preValidation', hqOnly);

    app.get('/console/tiers', async (req, reply) => {
      const ctx = ctxOf(req);
      const months = lastMonths(deps.now(), 12);
      const [dist, moves, offers] = await Promise.all([
        deps.services.console.tierDistribution(),
        deps.services.console.tierMovements(months),
        deps.services.console.careOffers(shanghaiDate(deps.now())),
      ]);
      const T = t.tiers;
      const scored = [...new Set(moves.map((m) => m.month))].sort();
      const direction = (from: keyof typeof TIER_RANK, to: keyof typeof TIER_RANK) =>
        TIER_RANK[to] > TIER_RANK[from] ? 'up' : TIER_RANK[to] < TIER_RANK[from] ? 'down' : 'same';
      const monthly = (dir: 'up' | 'down') =>
        scored.map((m) =>
          moves.filter((x) => x.month === m && direction(x.from, x.to) === dir).reduce((s, x) => s + x.dealers, 0),
        );
      const body = html`<div class="cards"><section class="card"><h2>${T.distribution}</h2>${barChart({
        title: T.distribution,
        labels: TIERS.map((x) => TIER_NAMES_ZH[x]),
        series: [{ name: T.count, values: TIERS.map((x) => dist.find((d) => d.tier === x)?.dealers ?? 0) }],
      })}</section>
      <section class="card"><h2>${T.movement}</h2>${
        scored.length
          ? barChart({
              title: T.movement,
              labels: scored,
              series: [
                { name: T.up, values: monthly('up') },
                { name: T.down, values: monthly('down') },
              ],
            })
          : html`<p class="muted">${T.noScores}</p>`
      }</section></div>
      ${
        scored.length
          ? html`<table><tr><th>${t.dealers.month}</th><th>${t.dealers.from}</th><th>${t.dealers.to}</th><th>${T.count}</th><th>${t.dealers.reasons}</th></tr>
        ${moves
          .filter((m) => m.from !== m.to)
          .sort((a, b) => b.month.localeCompare(a.month) || b.dealers - a.dealers)
          .map(
            (m) =>
              html`<tr><td>${m.month}</td><td>${TIER_NAMES_ZH[m.from]}</td><td>${TIER_NAMES_ZH[m.to]}</td><td class="n">${m.dealers}</td><td>${m.reasons.map((r) => `${r.reason}（${r.n}）`).join('；')}</td></tr>`,
          )}</table>`
          : null
      }`;
      // The benefits table each tier brings, the re-tiers waiting for their notice, and the greetings' vouchers.
      const benefits = html`<section class="card"><h2>${T.benefits}</h2><table><tr><th>${T.tier}</th><th>${T.benefits}</th></tr>
        ${TIERS.map((x) => html`<tr><td>${TIER_NAMES_ZH[x]}</td><td>${benefitLines(TIER_BENEFITS[x]).join('；')}</td></tr>`)}</table>
        <p class="muted">${T.pendingTiers(offers.pendingTiers)}</p></section>
        <section class="card"><h2>${T.vouchers}</h2>${
          offers.vouchers.length
            ? html`<table><tr><th>${T.voucherKind}</th><th>${T.issued}</th><th>${T.used}</th><th>${T.open}</th><th>${T.expired}</th><th>${T.usedAmount}</th></tr>
            ${offers.vouchers.map(
              (v) =>
                html`<tr><td>${voucherName(v.kind as VoucherKind)}</td><td class="n">${v.issued}</td><td class="n">${v.used}</td><td class="n">${v.open}</td><td class="n">${v.expired}</td><td class="n">${formatYuan(v.usedFen)}</td></tr>`,
            )}</table>`
            : html`<p class="muted">${T.noVouchers}</p>`
        }</section>`;
      return sendPage(reply, page(ctx.page, T.title, 'tiers', html`${body}<div class="cards">${benefits}</div>`));
    });

    app.get('/console/imports', { schema: { querystring: doneQuery } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const T = t.imports;
      const runs = await deps.services.importRuns.listRuns(100);
      const table = runs.length
        ? html`<table><tr><th>#</th><th>${T.entity}</th><th>${T.source}</th><th>${T.who}</th><th>${T.mode}</th><th>${T.status}</th><th>${T.started}</th><th>${T.counts}</th><th>${T.errors}</th></tr>
          ${runs.map(
            (r) =>
              html`<tr><td><a href="/console/imports/${r.id}">${r.id}</a></td><td>${r.entity}</td><td>${r.source}</td><td>${r.who}</td><td>${r.mode}</td><td>${r.status}</td><td>${when(r.startedAt)}</td><td>${Object.entries(
                r.counts,
              )
                .map(([k, v]) => `${k} ${v}`)
                .join(' · ')}</td><td class="n">${r.errorCount}</td></tr>`,
          )}</table>`
        : html`<p class="muted">${T.none}</p>`;
      const offers = deps.importOffers ? await offersSection(deps.importOffers, ctx.page.csrf) : null;
      const body = html`${flash(req.query.done)}${offers}<section><h2>${T.runs}</h2>${table}</section>`;
      return sendPage(reply, page(ctx.page, T.title, 'imports', body));
    });

    app.post(
      '/console/import-offers/:id/:action',
      { schema: { params: offerParams, body: offerBody } },
      async (req, reply) => {
        const ctx = ctxOf(req);
        const review = deps.importOffers;
        if (!review) return notFound(reply, ctx.page);
        const { id, action } = req.params;
        const O = t.offers;
        const by = 'console:hq';
        if (action === 'apply' && req.body.confirm !== 'yes') {
          return reply.redirect(redirectDone('/console/imports', O.confirmFirst), 303);
        }
        const out =
          action === 'preview'
            ? await review.preview(id, by)
            : action === 'apply'
              ? await review.apply(id, { by, partial: req.body.partial === '1' })
              : await review.reject(id, { by, ...(req.body.reason?.trim() ? { reason: req.body.reason.trim() } : {}) });
        let text: string;
        if (out.kind !== 'done') text = O.refused(id, out.kind);
        else if (action === 'reject') text = O.rejected(id);
        else if (action === 'preview') text = O.previewed(id, out.result!);
        else text = out.result!.status === 'rejected' ? O.importRejected(id, out.result!) : O.applied(id, out.result!);
        await audit(deps, req, ctx.viewer, `import.offer.${action}`, String(id), {
          outcome: out.kind,
          ...(out.kind === 'done' && out.result ? { run: out.result.runId, status: out.result.status } : {}),
        });
        return reply.redirect(redirectDone('/console/imports', text), 303);
      },
    );

    app.get('/console/imports/:id', { schema: { params: idParams } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const T = t.imports;
      const errors = await deps.services.console.importErrors(req.params.id);
      if (errors === null) return notFound(reply, ctx.page);
      const field = (e: unknown, k: string) => String((e as Record<string, unknown>)?.[k] ?? '');
      const body = html`<table><tr><th>${T.line}</th><th>${T.column}</th><th>${T.value}</th><th>${T.reason}</th></tr>
        ${errors.map((e) => html`<tr><td class="n">${field(e, 'line')}</td><td>${field(e, 'column')}</td><td>${field(e, 'value')}</td><td>${field(e, 'reason')}</td></tr>`)}</table>`;
      return sendPage(reply, page(ctx.page, `${T.title} #${req.params.id}`, 'imports', body));
    });

    app.get('/console/conversations', { schema: { querystring: doneQuery } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const T = t.conversations;
      const misses = await deps.services.nluMisses.list('open', 100);
      const body = html`${flash(req.query.done)}${
        misses.length
          ? html`<table><tr><th>${T.at}</th><th>${T.role}</th><th>${T.text}</th><th>${T.guesses}</th><th>${T.label}</th></tr>
          ${misses.map(
            (
              m,
            ) => html`<tr><td>${when(m.at)}</td><td>${m.senderRole}${m.dealerCode ? html` <a href="/console/dealers/${m.dealerCode}">${m.dealerCode}</a>` : null}</td><td>${m.text}</td>
              <td>${m.guesses.map((g) => `${g.intent} ${(g.p * 100).toFixed(0)}%`).join('、')}</td>
              <td><form method="post" action="/console/conversations/${m.id}/label">${csrfField(ctx.page.csrf)}
                <select name="intent">${INTENTS.map((i) => html`<option${m.guesses[0]?.intent === i ? html` selected` : null}>${i}</option>`)}</select>
                <button type="submit">${T.label}</button></form>
                <form method="post" action="/console/conversations/${m.id}/label">${csrfField(ctx.page.csrf)}<input type="hidden" name="discard" value="1"><button type="submit">${T.discard}</button></form></td></tr>`,
          )}</table>`
          : html`<p class="muted">${T.none}</p>`
      }`;
      return sendPage(reply, page(ctx.page, T.title, 'conversations', body));
    });

    app.post(
      '/console/conversations/:id/label',
      { schema: { params: idParams, body: labelBody } },
      async (req, reply) => {
        const ctx = ctxOf(req);
        const label = 'discard' in req.body ? ('discard' as const) : { intent: req.body.intent, slots: {} };
        if (!(await deps.services.nluMisses.label(req.params.id, label, deps.now()))) return notFound(reply, ctx.page);
        await audit(deps, req, ctx.viewer, 'nlu.label', String(req.params.id), { label });
        return reply.redirect(redirectDone('/console/conversations', t.conversations.labelled), 303);
      },
    );

    app.get('/console/jobs', { schema: { querystring: doneQuery } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const T = t.jobs;
      const runs = await deps.services.console.jobRuns(200);
      const body = html`${flash(req.query.done)}<table><tr><th>${T.name}</th><th>${T.cron}</th><th>${T.description}</th><th>${T.lastRun}</th><th></th></tr>
        ${runnableJobs().map((j) => {
          const last = runs.find((r) => r.job === j.name);
          return html`<tr><td>${j.name}</td><td><code>${j.cron}</code></td><td>${j.description}</td><td>${last ? `${when(last.startedAt)} ${last.status}` : '—'}</td>
            <td><form method="post" action="/console/jobs/${j.name}/run">${csrfField(ctx.page.csrf)}<input type="date" name="date"> <button type="submit">${T.run}</button></form></td></tr>`;
        })}</table>
        <h2>${T.lastRun}</h2><table><tr><th>${T.name}</th><th>${T.slot}</th><th>${T.status}</th><th>${T.started}</th><th>${T.finished}</th></tr>
        ${runs.slice(0, 50).map((r) => html`<tr><td>${r.job}</td><td>${r.slot}</td><td>${r.status}</td><td>${when(r.startedAt)}</td><td>${when(r.finishedAt)}</td></tr>`)}</table>`;
      return sendPage(reply, page(ctx.page, T.title, 'jobs', body));
    });

    app.post('/console/jobs/:name/run', { schema: { params: jobParams, body: jobBody } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const job = runnableJobs().find((j) => j.name === req.params.name);
      if (!job) return notFound(reply, ctx.page);
      const now = runInstant(job, req.body.date, deps.now());
      const outcome = await deps.services.runJob(job.name, {
        slot: `console:${new Date().toISOString()}`,
        instance: 'console',
        now,
        log: req.log,
      });
      const ok = outcome.ran && !('error' in outcome);
      await audit(deps, req, ctx.viewer, 'job.run', job.name, { at: now.toISOString(), ok });
      const text = !outcome.ran
        ? t.jobs.busy
        : 'error' in outcome
          ? t.jobs.failed(job.name)
          : t.jobs.ran(job.name, outcome.ms);
      return reply.redirect(redirectDone('/console/jobs', text), 303);
    });

    app.get('/console/audit', async (req, reply) => {
      const ctx = ctxOf(req);
      const T = t.audit;
      const entries = await deps.services.console.audit(200);
      const body = html`<table><tr><th>${T.at}</th><th>${T.actor}</th><th>${T.action}</th><th>${T.subject}</th><th>IP</th><th></th></tr>
        ${entries.map((e) => html`<tr><td>${when(e.at)}</td><td>${e.actor}</td><td>${e.action}</td><td>${e.subject ?? ''}</td><td>${e.ip ?? ''}</td><td><code>${Object.keys(e.detail).length ? JSON.stringify(e.detail) : ''}</code></td></tr>`)}</table>`;
      return sendPage(reply, page(ctx.page, T.title, 'audit', body));
    });
  };
}

/** Follow-ups: HQ sees every manager's, a manager their own. */
function followupPages(deps: ConsoleDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    const ownerOf = (viewer: ReturnType<typeof ctxOf>['viewer']) => (isHq(viewer) ? undefined : viewer.managerCode);

    app.get('/console/followups', { schema: { querystring: doneQuery } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const T = t.followups;
      const items = await deps.services.followups.list('open', ownerOf(ctx.viewer), 200);
      const body = html`${flash(req.query.done)}${
        items.length
          ? html`<table><tr><th>${T.created}</th><th>${T.manager}</th><th>${T.dealer}</th><th>${T.body}</th><th></th></tr>
          ${items.map(
            (
              f,
            ) => html`<tr><td>${when(f.createdAt)}</td><td>${f.managerCode}</td><td>${f.dealerCode ? html`<a href="/console/dealers/${f.dealerCode}">${f.dealerCode}</a>` : ''}</td><td>${f.body}</td>
            <td><form method="post" action="/console/followups/${f.id}/done">${csrfField(ctx.page.csrf)}<button type="submit">${T.done}</button></form></td></tr>`,
          )}</table>`
          : html`<p class="muted">${T.none}</p>`
      }`;
      return sendPage(reply, page(ctx.page, T.title, 'followups', body));
    });

    app.post('/console/followups/:id/done', { schema: { params: idParams, body: csrfOnly } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const owner = ownerOf(ctx.viewer);
      // A manager closes only their own items: anyone else's does not exist for them.
      if (owner && !(await deps.services.followups.list('open', owner, 1000)).some((f) => f.id === req.params.id)) {
        return notFound(reply, ctx.page);
      }
      if (!(await deps.services.followups.close(req.params.id))) return notFound(reply, ctx.page);
      await audit(deps, req, ctx.viewer, 'followup.done', String(req.params.id));
      return reply.redirect(redirectDone('/console/followups', t.followups.done), 303);
    });
  };
}
