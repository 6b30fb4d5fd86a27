import type { FastifyInstance } from 'fastify';
import {
  ACTIVE_WINDOW_MONTHS,
  actorOf,
  churnAndActivation,
  lastMonths,
  ordersByChannel,
  ratio,
  shiftMonth,
  slaByMonth,
  TIERS,
} from '../../../core/console/index.js';
import { TIER_NAMES_ZH } from '../../../core/dealers/tiers.js';
import type { EffectReport } from '../../../core/policies/policy.service.js';
import { consoleTexts as t } from '../../replies/console.texts.js';
import { barChart, lineChart } from '../charts.js';
import { type ConsoleDeps, ctxOf, sendPage, TtlCache } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { page, pct } from '../layout.js';

const MONTHS = 12;
const T = t.overview;

/** K's outcome metrics, month by month, for what the viewer may see. */
export function overviewPage(deps: ConsoleDeps) {
  const cache = new TtlCache<SafeHtml>(60_000);
  return async (app: FastifyInstance) => {
    app.get('/console', async (req, reply) => {
      const ctx = ctxOf(req);
      const now = deps.now();
      const body = await cache.get(actorOf(ctx.viewer), now.getTime(), () => overview(deps, ctx.viewer, now));
      return sendPage(reply, page(ctx.page, T.title, 'overview', body));
    });
  };
}

async function overview(
  deps: ConsoleDeps,
  viewer: Parameters<ConsoleDeps['services']['console']['outcomeFacts']>[0],
  now: Date,
) {
  const months = lastMonths(now, MONTHS);
  const since = `${shiftMonth(months[0]!, -ACTIVE_WINDOW_MONTHS)}-01`;
  const facts = await deps.services.console.outcomeFacts(viewer, since);
  const activity = churnAndActivation(facts.activity, months);
  const sla = slaByMonth(facts.needs, months, deps.sla, now);
  const channels = ordersByChannel(facts.ordersByMonth, months);
  const campaign = months.map((m) =>
    ratio(facts.campaignDealersByMonth.find((c) => c.month === m)?.dealers ?? 0, facts.dealers),
  );
  const effects = viewer.role === 'hq' ? await policyEffects(deps, now) : [];
  const last = activity.at(-1)!;
  const prev = activity.at(-2)!;
  const slaOf = (tier: string, key: 'firstResponseHitRate' | 'resolutionHitRate' | 'firstResponseMedianH') =>
    months.map((m) => sla.find((s) => s.month === m && s.tier === tier)?.[key] ?? null);
  const tierSeries = (key: 'firstResponseHitRate' | 'resolutionHitRate' | 'firstResponseMedianH') =>
    TIERS.map((tier) => ({ name: TIER_NAMES_ZH[tier], values: slaOf(tier, key) }));
  const hours = (v: number) => `${v.toFixed(1)}h`;

  return html`<p class="muted">${T.dealers(facts.dealers)} · ${T.kTargets}</p>
  <div class="cards">
    ${card(T.churn, pct(last.churnRate), pct(prev.churnRate), '5%', lineChart({ title: T.churn, labels: months, series: [{ name: T.churn, values: activity.map((a) => a.churnRate) }], yMax: niceRate(activity.map((a) => a.churnRate)), format: pctAxis }))}
    ${card(T.activation, pct(last.activationRate), pct(prev.activationRate), '70%', lineChart({ title: T.activation, labels: months, series: [{ name: T.activation, values: activity.map((a) => a.activationRate) }], yMax: niceRate(activity.map((a) => a.activationRate)), format: pctAxis }))}
    ${card(T.firstResponse, null, null, null, lineChart({ title: T.firstResponse, labels: months, series: tierSeries('firstResponseHitRate'), yMax: 1, format: pctAxis }))}
    ${card(T.resolution, null, null, null, lineChart({ title: T.resolution, labels: months, series: tierSeries('resolutionHitRate'), yMax: 1, format: pctAxis }))}
    ${card(T.responseHours, null, null, `${TIERS.map((tier) => `${TIER_NAMES_ZH[tier]} ${deps.sla[tier].firstResponse}h`).join(' / ')}`, lineChart({ title: T.responseHours, labels: months, series: tierSeries('firstResponseMedianH'), format: hours }))}
    ${card(T.campaign, pct(campaign.at(-1) ?? null), pct(campaign.at(-2) ?? null), null, lineChart({ title: T.campaign, labels: months, series: [{ name: T.campaign, values: campaign }], yMax: niceRate(campaign), format: pctAxis }))}
    ${card(
      T.chatShare,
      pct(channels.at(-1)!.chatShare),
      pct(channels.at(-2)!.chatShare),
      null,
      barChart({
        title: T.chatShare,
        labels: months,
        series: [
          { name: T.chatOrders, values: channels.map((c) => c.chatOrders) },
          { name: T.otherOrders, values: channels.map((c) => c.otherOrders) },
        ],
      }),
    )}
    ${
      viewer.role === 'hq'
        ? card(
            T.conversion,
            null,
            null,
            '45%',
            effects.length
              ? barChart({
                  title: T.conversion,
                  labels: effects.map((e) => e.name),
                  series: [
                    { name: T.pilot, values: effects.map((e) => e.conversion.pilot.rate) },
                    { name: T.holdout, values: effects.map((e) => e.conversion.holdout.rate) },
                  ],
                  yMax: 1,
                  format: pctAxis,
                })
              : html`<p class="muted">${T.noPushes}</p>`,
          )
        : null
    }
  </div>`;
}

const pctAxis = (v: number) => `${Math.round(v * 100)}%`;
/** Rates rarely reach 100%: scale to the data in steps of 20 points, so the quarter ticks read 5%, 10% … */
const niceRate = (values: ReadonlyArray<number | null>) =>
  Math.min(1, Math.max(0.2, Math.ceil(Math.max(0, ...values.filter((v): v is number => v !== null)) * 5) / 5));

function card(title: string, latest: string | null, previous: string | null, target: string | null, chart: SafeHtml) {
  return html`<section class="card"><h2>${title}</h2>
    ${latest !== null ? html`<div><span class="kpi">${latest}</span> <span class="muted">${T.latest} · ${T.previous} ${previous}</span></div>` : null}
    ${target ? html`<div class="muted">${T.target}: ${target}</div>` : null}
    ${chart}</section>`;
}

/** Pilot vs holdout conversion of every policy pushed so far. */
async function policyEffects(deps: ConsoleDeps, now: Date): Promise<EffectReport[]> {
  const pushed = (await deps.services.console.policies()).filter((p) => p.deliveries > 0);
  return Promise.all(pushed.map((p) => deps.services.policies.effect(p.code, now)));
}
