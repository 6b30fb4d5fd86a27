import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BoardNeed } from '../../../core/console/ports.js';
import { TIERS } from '../../../core/console/index.js';
import { TIER_NAMES_ZH } from '../../../core/dealers/tiers.js';
import { needList } from '../../../core/needs/need-list.js';
import { needCode } from '../../../core/needs/needs.types.js';
import { stageReached } from '../../../core/needs/sla.js';
import { consoleTexts as t } from '../../replies/console.texts.js';
import { type ConsoleDeps, ctxOf, notFound, sendPage } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { page, when } from '../layout.js';

const T = t.needs;
const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

type Stage = 0 | 50 | 80 | 100;
const STAGE_CLASS: Record<Stage, string> = { 0: 'ok', 50: 'warn50', 80: 'warn80', 100: 'breach' };
const STAGE_TEXT: Record<Stage, string> = { 0: T.onTrack, 50: T.warn50, 80: T.warn80, 100: T.breached };

/** Each open need on its running clock (first response, then resolution), most urgent first, with its SLA stage. */
function clocks(rows: readonly BoardNeed[], now: Date) {
  const owners = new Map(rows.map((r) => [r.need.id, r.ownerName]));
  return needList(rows, 'all', now, rows.length).items.map((i) => ({
    ...i,
    ownerName: owners.get(i.need.id) ?? i.need.ownerCode,
    stage: stageReached(i.need.createdAt, i.due, now) as Stage,
  }));
}

/** The needs table (board and dealer page): status, running clock and time left. */
export function needRows(rows: readonly BoardNeed[], now: Date): SafeHtml {
  const items = clocks(
    rows.filter((r) => r.need.status === 'open' || r.need.status === 'claimed'),
    now,
  );
  const done = rows.filter((r) => r.need.status !== 'open' && r.need.status !== 'claimed');
  return html`<table><thead><tr><th>${T.id}</th><th>${T.dealer}</th><th>${T.category}</th><th>${T.status}</th><th>${T.owner}</th><th>${T.clock}</th><th>${T.left}</th><th>${T.created}</th></tr></thead><tbody>
    ${items.map(
      (
        i,
      ) => html`<tr><td><a href="/console/needs/${i.need.id}">${needCode(i.need.id)}</a></td><td>${i.dealerName}</td><td>${i.need.category}</td><td>${T.statusNames[i.need.status]}</td><td>${i.ownerName}</td>
        <td>${i.clock === 'first' ? T.first : T.resolution}</td><td class="${STAGE_CLASS[i.stage]}">${STAGE_TEXT[i.stage]} · ${T.hours(i.msLeft / 3_600_000)}</td><td>${when(i.need.createdAt)}</td></tr>`,
    )}
    ${done.map(
      (r) =>
        html`<tr><td><a href="/console/needs/${r.need.id}">${needCode(r.need.id)}</a></td><td>${r.dealerName}</td><td>${r.need.category}</td><td>${T.statusNames[r.need.status]}</td><td>${r.ownerName}</td><td></td><td></td><td>${when(r.need.createdAt)}</td></tr>`,
    )}</tbody></table>`;
}

export function needsPages(deps: ConsoleDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get('/console/needs', async (req, reply) => {
      const ctx = ctxOf(req);
      const now = deps.now();
      const rows = await deps.services.console.openNeeds(ctx.viewer);
      const items = clocks(rows, now);
      const tally = (keyOf: (i: (typeof items)[number]) => string) => {
        const m = new Map<string, Record<Stage | 'n', number>>();
        for (const i of items) {
          const k = keyOf(i);
          const c = m.get(k) ?? { n: 0, 0: 0, 50: 0, 80: 0, 100: 0 };
          c.n++;
          c[i.stage]++;
          m.set(k, c);
        }
        return [...m].sort((a, b) => b[1][100] - a[1][100] || b[1].n - a[1].n);
      };
      const summary = (title: string, groups: Array<[string, Record<Stage | 'n', number>]>) =>
        html`<section class="card"><h2>${title}</h2><table><tr><th></th><th>${T.open}</th><th class="warn50">${T.warn50}</th><th class="warn80">${T.warn80}</th><th class="breach">${T.breached}</th></tr>
          ${groups.map(([k, c]) => html`<tr><td>${k}</td><td class="n">${c.n}</td><td class="n">${c[50]}</td><td class="n">${c[80]}</td><td class="n">${c[100]}</td></tr>`)}</table></section>`;
      const byTier = tally((i) => TIER_NAMES_ZH[i.need.tier]);
      const tierOrder = TIERS.map((tier) => TIER_NAMES_ZH[tier]);
      const body = items.length
        ? html`<div class="cards">${summary(
            T.byManager,
            tally((i) => i.ownerName),
          )}${summary(
            T.byTier,
            byTier.sort((a, b) => tierOrder.indexOf(a[0]) - tierOrder.indexOf(b[0])),
          )}</div>${needRows(rows, now)}`
        : html`<p class="muted">${T.empty}</p>`;
      return sendPage(reply, page(ctx.page, T.title, 'needs', body));
    });

    app.get('/console/needs/:id', { schema: { params: idParams } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const found = await deps.services.console.need(ctx.viewer, req.params.id);
      if (!found) return notFound(reply, ctx.page);
      const { need, dealerName, ownerName } = found.need;
      const body = html`<p><a href="/console/dealers/${need.dealerCode}">${dealerName} ${need.dealerCode}</a> · ${TIER_NAMES_ZH[need.tier]} · ${need.category} · ${T.statusNames[need.status]} · ${T.owner} ${ownerName}</p>
        <p class="card">${need.text}</p>
        ${needRows([found.need], deps.now())}
        <h2>${T.timeline}</h2>
        <table>${found.events.map((e) => html`<tr><td>${when(e.at)}</td><td>${e.kind}</td><td>${e.actor ?? ''}</td><td>${e.body ?? ''}</td></tr>`)}</table>`;
      return sendPage(reply, page(ctx.page, needCode(need.id), 'needs', body));
    });
  };
}
