import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TIER_NAMES_ZH } from '../../../core/dealers/tiers.js';
import type { Tier } from '../../../core/needs/needs.types.js';
import { policyReplies } from '../../replies/policies.replies.js';
import { consoleTexts as t } from '../../replies/console.texts.js';
import { barChart } from '../charts.js';
import { audit, type ConsoleDeps, ctxOf, flash, notFound, sendPage } from '../context.js';
import { html } from '../html.js';
import { csrfField, page, pct, when } from '../layout.js';
import { hqOnly } from './hq-only.js';

const T = t.policies;
const codeParams = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
const actionParams = codeParams.extend({ action: z.enum(['promote', 'stop']) });
const doneQuery = z.object({ done: z.string().max(200).optional() });
const actionBody = z.object({ _csrf: z.string(), confirm: z.literal('yes') });

function targetText(spec: Record<string, unknown>): string {
  const target = spec['target'] as { tiers?: Tier[]; tagsAny?: string[] } | undefined;
  if (!target) return '—';
  return [(target.tiers ?? []).map((x) => TIER_NAMES_ZH[x] ?? x).join('、'), (target.tagsAny ?? []).join('、')]
    .filter(Boolean)
    .join(' · ');
}

/** Policies: targets, pilot vs holdout, feedback; promote or stop after a confirmation, audited. HQ only. */
export function policyPages(deps: ConsoleDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.addHook('preValidation', hqOnly);

    app.get('/console/policies', async (req, reply) => {
      const ctx = ctxOf(req);
      const rows = await deps.services.console.policies();
      const body = html`<table><tr><th>${T.code}</th><th>${T.name}</th><th>${T.kind}</th><th>${T.targets}</th><th>${T.pilot}</th><th>${T.active}</th><th>${T.promoted}</th><th>${T.deliveries}</th><th>${T.feedback}</th></tr>
        ${rows.map((p) => html`<tr><td><a href="/console/policies/${p.code}">${p.code}</a></td><td>${p.name}</td><td>${p.kind}</td><td>${targetText(p.spec)}</td><td>${typeof p.spec['pilotRatio'] === 'number' ? pct(p.spec['pilotRatio']) : '—'}</td><td>${p.active ? T.yes : T.no}</td><td>${p.promoted ? T.yes : T.no}</td><td class="n">${p.deliveries}</td><td class="n">${p.withFeedback}</td></tr>`)}</table>`;
      return sendPage(reply, page(ctx.page, T.title, 'policies', body));
    });

    app.get(
      '/console/policies/:code',
      { schema: { params: codeParams, querystring: doneQuery } },
      async (req, reply) => {
        const ctx = ctxOf(req);
        const now = deps.now();
        const row = (await deps.services.console.policies()).find((p) => p.code === req.params.code);
        if (!row) return notFound(reply, ctx.page);
        const [effect, feedback] = await Promise.all([
          deps.services.policies.effect(row.code, now),
          deps.services.console.policyFeedback(row.code, 50),
        ]);
        const c = effect.conversion;
        const body = html`${flash(req.query.done)}
        <p>${row.name} · ${row.kind} · ${T.targets}：${targetText(row.spec)} · ${T.active}：${row.active ? T.yes : T.no} · ${T.promoted}：${row.promoted ? T.yes : T.no}</p>
        <div class="cards"><section class="card"><h2>${T.effect}</h2>
        ${effect.pilotPushedAt ? null : html`<p class="muted">${T.notPushed}</p>`}
        ${barChart({
          title: T.effect,
          labels: [T.reach, T.conversion],
          series: [
            {
              name: t.overview.pilot,
              values: [effect.pushed > 0 ? effect.reached / effect.pushed : null, c.pilot.rate],
            },
            { name: t.overview.holdout, values: [null, c.holdout.rate] },
          ],
          yMax: 1,
          format: (v) => `${Math.round(v * 100)}%`,
        })}
        <table><tr><th></th><th>n</th><th>${T.conversion}</th></tr>
          <tr><td>${t.overview.pilot}</td><td class="n">${c.pilot.n}</td><td class="n">${c.pilot.converted} (${pct(c.pilot.rate)})</td></tr>
          <tr><td>${t.overview.holdout}</td><td class="n">${c.holdout.n}</td><td class="n">${c.holdout.converted} (${pct(c.holdout.rate)})</td></tr></table>
        <p class="muted">${T.deliveries} ${effect.pushed} · ${T.reach} ${effect.reached} · ${T.feedback} ${effect.feedback}${effect.windowClosed ? '' : ` · ${T.windowOpen}`}</p>
        </section></div>
        <p>${row.active && !row.promoted ? html`<a href="/console/policies/${row.code}/promote">${T.promote}</a>` : null}
           ${row.active ? html` · <a href="/console/policies/${row.code}/stop">${T.stop}</a>` : null}</p>
        <h2>${T.feedback}</h2>
        <table>${feedback.map((f) => html`<tr><td>${when(f.at)}</td><td><a href="/console/dealers/${f.dealerCode}">${f.dealerCode}</a></td><td>${f.feedback}</td></tr>`)}</table>`;
        return sendPage(reply, page(ctx.page, row.name, 'policies', body));
      },
    );

    // The confirmation step: a page that says what will happen, with the form that does it.
    app.get('/console/policies/:code/:action', { schema: { params: actionParams } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const row = (await deps.services.console.policies()).find((p) => p.code === req.params.code);
      if (!row) return notFound(reply, ctx.page);
      const question = req.params.action === 'promote' ? T.confirmPromote(row.name) : T.confirmStop(row.name);
      const body = html`<form method="post" action="/console/policies/${row.code}/${req.params.action}" class="card">
        <p>${question}</p>${csrfField(ctx.page.csrf)}<input type="hidden" name="confirm" value="yes">
        <button class="primary" type="submit">${T.confirm}</button> <a href="/console/policies/${row.code}">${T.cancel}</a></form>`;
      return sendPage(reply, page(ctx.page, row.name, 'policies', body));
    });

    app.post(
      '/console/policies/:code/:action',
      { schema: { params: actionParams, body: actionBody } },
      async (req, reply) => {
        const ctx = ctxOf(req);
        const { code, action } = req.params;
        const row = (await deps.services.console.policies()).find((p) => p.code === code);
        if (!row) return notFound(reply, ctx.page);
        let done: string;
        if (action === 'promote') {
          const report = await deps.services.policies.push(code, {
            now: deps.now(),
            promote: true,
            compose: policyReplies.push,
          });
          await audit(deps, req, ctx.viewer, 'policy.promote', code, { queued: report.queued, target: report.target });
          done = `${T.promote}（${report.queued}）`;
        } else {
          await deps.services.console.setPolicyActive(code, false);
          await audit(deps, req, ctx.viewer, 'policy.stop', code);
          done = T.stop;
        }
        return reply.redirect(`/console/policies/${code}?done=${encodeURIComponent(T.done(done))}`, 303);
      },
    );
  };
}
