import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CampaignWithCounts } from '../../../core/campaigns/campaigns.types.js';
import { isOverdue } from '../../../core/contacts/cadence.js';
import { isHq, TIERS } from '../../../core/console/index.js';
import { TIER_NAMES_ZH } from '../../../core/dealers/tiers.js';
import { audienceText, liftText } from '../../replies/campaigns.replies.js';
import { consoleTexts as t } from '../../replies/console.texts.js';
import { formatYuan } from '../../replies/policy.explain.js';
import { type ConsoleDeps, ctxOf, notFound, sendPage } from '../context.js';
import { html } from '../html.js';
import { page, when } from '../layout.js';

const codeParams = z.object({ code: z.string().regex(/^C\d{3,6}$/) });
const span = (c: CampaignWithCounts) => `${c.startsOn} — ${c.endsOn}`;

/**
 * Joint campaigns (list; one campaign with its entries and results) and the contact cadence (per manager: due this
 * week, overdue, the overdue dealers). HQ sees everyone; a manager the dealers they answer for.
 */
export function growthPages(deps: ConsoleDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get('/console/campaigns', async (req, reply) => {
      const ctx = ctxOf(req);
      const T = t.campaigns;
      const list = await deps.services.campaigns.list();
      const body = list.length
        ? html`<table><tr><th>${T.code}</th><th>${T.name}</th><th>${T.window}</th><th>${T.audience}</th><th>${T.subsidy}</th><th>${T.seats}</th><th>${T.applied}</th><th>${T.approved}</th><th>${T.results}</th></tr>
          ${list.map(
            (c) =>
              html`<tr><td><a href="/console/campaigns/${c.code}">${c.code}</a></td><td>${c.name}</td><td>${span(c)}</td><td>${audienceText(c)}</td><td class="n">${formatYuan(c.subsidyFen)}</td><td class="n">${c.seats}</td><td class="n">${c.applied}</td><td class="n">${c.approved}</td><td>${c.resultsAt ? when(c.resultsAt) : T.pending}</td></tr>`,
          )}</table>`
        : html`<p class="muted">${T.none}</p>`;
      return sendPage(reply, page(ctx.page, T.title, 'campaigns', body));
    });

    app.get('/console/campaigns/:code', { schema: { params: codeParams } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const T = t.campaigns;
      const report = await deps.services.campaigns.report(req.params.code);
      if (!report) return notFound(reply, ctx.page);
      const viewer = ctx.viewer;
      // A manager sees the entries of the dealers they answer for.
      const scope = isHq(viewer)
        ? null
        : new Set(
            (await deps.services.cadence.byManager(deps.now(), viewer.managerCode)).flatMap((m) =>
              m.items.map((i) => i.code),
            ),
          );
      const entries = scope ? report.entries.filter((e) => scope.has(e.dealerCode)) : report.entries;
      const c = report.campaign;
      const body = html`<p>${c.description}</p>
        <p class="muted">${T.window} ${span(c)} · ${T.audience} ${audienceText(c)} · ${T.subsidy} ${formatYuan(c.subsidyFen)} · ${T.seats} ${c.seats}（${T.applied} ${c.applied}，${T.approved} ${c.approved}）</p>
        ${c.resultsAt ? html`<p class="note">${T.recordedAt(when(c.resultsAt))}</p>` : null}
        ${
          entries.length
            ? html`<table><tr><th>${T.dealer}</th><th>${T.manager}</th><th>${T.status}</th><th>${T.appliedAt}</th><th>${T.approvedAt}</th><th>${T.baseline}</th><th>${T.during}</th><th>${T.lift}</th></tr>
            ${entries.map(
              (e) =>
                html`<tr><td><a href="/console/dealers/${e.dealerCode}">${e.dealerCode}</a> ${e.dealerName}</td><td>${e.managerCode}</td><td>${T.statusZh[e.status] ?? e.status}</td><td>${when(e.appliedAt)}</td><td>${when(e.approvedAt)}</td><td class="n">${e.result ? formatYuan(e.result.baselineFen) : '—'}</td><td class="n">${e.result ? formatYuan(e.result.campaignFen) : '—'}</td><td class="n">${e.result ? liftText(e.result) : '—'}</td></tr>`,
            )}
            ${
              report.totals && !scope
                ? html`<tr><th colspan="5">${T.total}（${report.totals.dealers}）</th><td class="n">${formatYuan(report.totals.baselineFen)}</td><td class="n">${formatYuan(report.totals.campaignFen)}</td><td class="n">${liftText(report.totals)}</td></tr>`
                : null
            }</table>`
            : html`<p class="muted">${T.noEntries}</p>`
        }`;
      return sendPage(reply, page(ctx.page, `${c.name}（${c.code}）`, 'campaigns', body));
    });

    app.get('/console/cadence', async (req, reply) => {
      const ctx = ctxOf(req);
      const T = t.cadence;
      const viewer = ctx.viewer;
      const managers = await deps.services.cadence.byManager(deps.now(), isHq(viewer) ? undefined : viewer.managerCode);
      const table = deps.services.cadence.table;
      const rule = TIERS.map((tier) => `${TIER_NAMES_ZH[tier]} 每${table[tier]}天`).join('，');
      const overdue = managers.flatMap((m) => m.items.filter(isOverdue).map((i) => ({ ...i, manager: m.managerName })));
      const body = html`<p class="muted">${T.rule(rule)}</p>
        <table><tr><th>${T.manager}</th><th>${T.dealers}</th><th>${T.dueThisWeek}</th><th>${T.overdue}</th></tr>
        ${managers.map(
          (m) =>
            html`<tr><td>${m.managerName}（${m.managerCode}）</td><td class="n">${m.items.length}</td><td class="n">${m.dueThisWeek}</td><td class="n ${m.overdue ? 'breach' : ''}">${m.overdue}</td></tr>`,
        )}</table>
        <h2>${T.overdueList}（${overdue.length}）</h2>
        ${
          overdue.length
            ? html`<table><tr><th>${T.dealer}</th><th>${T.tier}</th><th>${T.manager}</th><th>${T.lastContact}</th><th>${T.dueOn}</th><th>${T.late}</th></tr>
            ${overdue
              .slice(0, 500)
              .map(
                (i) =>
                  html`<tr><td><a href="/console/dealers/${i.code}">${i.code}</a> ${i.name}</td><td>${TIER_NAMES_ZH[i.tier]}</td><td>${i.manager}</td><td>${i.lastContactAt ? when(i.lastContactAt) : T.never}</td><td>${i.never ? '—' : i.dueOn}</td><td class="n">${i.never ? T.never : i.overdueDays}</td></tr>`,
              )}</table>`
            : html`<p class="muted">${T.none}</p>`
        }`;
      return sendPage(reply, page(ctx.page, T.title, 'cadence', body));
    });
  };
}
