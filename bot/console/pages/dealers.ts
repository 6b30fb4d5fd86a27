import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { overstockOf } from '../../../core/care/replenishment.js';
import { lastMonths } from '../../../core/console/index.js';
import { TIER_NAMES_ZH } from '../../../core/dealers/tiers.js';
import { explainPosition } from '../../replies/policy.explain.js';
import { daysOfCover } from '../../../core/stock/stock.rules.js';
import { consoleTexts as t } from '../../replies/console.texts.js';
import { barChart, lineChart } from '../charts.js';
import { type ConsoleDeps, ctxOf, notFound, sendPage } from '../context.js';
import { html } from '../html.js';
import { fenToWan, page, when } from '../layout.js';
import { needRows } from './needs.js';

const T = t.dealers;
const PAGE_SIZE = 50;
const TIER = z.enum(['core', 'key', 'regular', 'silent']);
/** A GET form sends empty fields for "any": they mean absent. */
const opt = <S extends z.ZodType>(s: S) => z.preprocess((v) => (v === '' ? undefined : v), s.optional());

const listQuery = z.object({
  tier: opt(TIER),
  tag: opt(z.string().max(40)),
  province: opt(z.string().max(40)),
  market: opt(z.string().max(20)),
  manager: opt(z.string().regex(/^M\d{3}$/)),
  silent: opt(z.enum(['1', '0'])),
  q: opt(z.string().max(60)),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
const codeParams = z.object({ code: z.string().regex(/^D\d{4,6}$/) });

export function dealerPages(deps: ConsoleDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get('/console/dealers', { schema: { querystring: listQuery } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const q = req.query;
      const [options, result] = await Promise.all([
        deps.services.console.dealerFilters(ctx.viewer),
        deps.services.console.dealers(
          ctx.viewer,
          {
            tier: q.tier,
            tag: q.tag,
            province: q.province,
            marketLevel: q.market,
            manager: q.manager,
            silent: q.silent === undefined ? undefined : q.silent === '1',
            q: q.q,
            offset: (q.page - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
          },
          deps.now(),
        ),
      ]);
      const select = (name: string, label: string, current: string | undefined, values: Array<[string, string]>) =>
        html`<label>${label}<select name="${name}"><option value="">${T.all}</option>${values.map(
          ([v, text]) => html`<option value="${v}"${current === v ? html` selected` : null}>${text}</option>`,
        )}</select></label>`;
      const link = (p: number) => {
        const params = new URLSearchParams(
          Object.entries({ ...q, page: String(p) }).filter((e): e is [string, string] => e[1] !== undefined),
        );
        return `/console/dealers?${params}`;
      };
      const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
      const body = html`<form class="filters" method="get" action="/console/dealers">
          ${select(
            'tier',
            T.tier,
            q.tier,
            TIER.options.map((v) => [v, TIER_NAMES_ZH[v]]),
          )}
          ${select(
            'tag',
            T.tag,
            q.tag,
            options.tags.map((v) => [v, v]),
          )}
          ${select(
            'province',
            T.province,
            q.province,
            options.provinces.map((v) => [v, v]),
          )}
          ${select(
            'market',
            T.marketLevel,
            q.market,
            options.marketLevels.map((v) => [v, v]),
          )}
          ${
            ctx.viewer.role === 'hq' || options.managers.length > 1
              ? select(
                  'manager',
                  T.manager,
                  q.manager,
                  options.managers.map((m) => [m.code, `${m.name} ${m.code}`]),
                )
              : null
          }
          ${select('silent', T.silent, q.silent, [
            ['1', T.silentYes],
            ['0', T.silentNo],
          ])}
          <label>${T.search}<input name="q" value="${q.q ?? ''}"></label>
          <button class="primary" type="submit">${T.filter}</button>
        </form>
        <p class="muted">${T.total(result.total)}</p>
        <table><thead><tr><th>${T.code}</th><th>${T.name}</th><th>${T.tier}</th><th>${T.tag}</th><th>${T.region}</th><th>${T.marketLevel}</th><th>${T.manager}</th><th>${T.lastOrder}</th><th>${T.amount12m}</th></tr></thead>
        <tbody>${result.rows.map(
          (d) =>
            html`<tr><td><a href="/console/dealers/${d.code}">${d.code}</a></td><td>${d.name}</td><td>${TIER_NAMES_ZH[d.tier]}</td><td>${d.tags.join('、')}</td><td>${d.province} ${d.city}</td><td>${d.marketLevel}</td><td>${d.managerName}</td><td>${when(d.lastOrderAt).slice(0, 10)}</td><td class="n">${fenToWan(d.amount12mFen)}</td></tr>`,
        )}</tbody></table>
        <p>${q.page > 1 ? html`<a href="${link(q.page - 1)}">${T.prev}</a>` : null} ${q.page} / ${pages} ${q.page < pages ? html`<a href="${link(q.page + 1)}">${T.next}</a>` : null}</p>`;
      return sendPage(reply, page(ctx.page, T.title, 'dealers', body));
    });

    app.get('/console/dealers/:code', { schema: { params: codeParams } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const now = deps.now();
      const d = await deps.services.console.dealer(ctx.viewer, req.params.code, now);
      if (!d) return notFound(reply, ctx.page);
      const policyDealer = await deps.services.policies.findDealer(d.code);
      const positions = policyDealer ? await deps.services.policies.positions(policyDealer, now) : [];
      const [honours, seats] = await Promise.all([
        deps.services.honours.forDealer(d.code),
        deps.services.training.forDealer(d.code),
      ]);
      const months = lastMonths(now, 24);
      const amountOf = (m: string) => d.ordersByMonth.find((o) => o.month === m)?.amountFen ?? 0;
      const scoreMonths = d.scores.map((s) => s.month);
      const dims = ['purchaseScale', 'categoryExpertise', 'storeCoverage', 'growthPotential', 'collaboration'] as const;
      const body = html`<p>${d.name} · ${TIER_NAMES_ZH[d.tier]} · ${d.province} ${d.city}（${d.marketLevel}） · ${T.manager} ${d.managerName} · ${T.partnership} ${d.partnershipStart} · ${T.stores} ${d.stores}</p>
        <p>${T.tag}：${d.tags.join('、') || T.none} · ${T.tierReasons}：${d.tierReasons.join('；') || T.none}</p>
        <div class="cards">
          <section class="card"><h2>${T.scores}</h2>${
            d.scores.length
              ? lineChart({
                  title: T.scores,
                  labels: scoreMonths,
                  series: [
                    ...dims.map((k, i) => ({ name: T.scoreDims[i]!, values: d.scores.map((s) => s[k]) })),
                    { name: T.total_, values: d.scores.map((s) => s.total) },
                  ],
                  yMax: 100,
                })
              : html`<p class="muted">${T.noScores}</p>`
          }</section>
          <section class="card"><h2>${T.orders}</h2>${barChart({
            title: T.orders,
            labels: months,
            series: [{ name: T.orders, values: months.map((m) => amountOf(m) / 1_000_000) }],
            format: (v) => v.toFixed(1),
          })}</section>
        </div>
        <h2>${T.tierHistory}</h2>
        ${
          d.scores.length
            ? html`<table><tr><th>${T.month}</th><th>${T.total_}</th><th>${T.from}</th><th>${T.to}</th><th>${T.reasons}</th></tr>${[...d.scores].reverse().map((s) => html`<tr><td>${s.month}</td><td class="n">${s.total.toFixed(1)}</td><td>${TIER_NAMES_ZH[s.tierBefore]}</td><td>${TIER_NAMES_ZH[s.tierAfter]}</td><td>${s.reasons.join('；')}</td></tr>`)}</table>`
            : html`<p class="muted">${T.none}</p>`
        }
        <h2>${t.honours.title}</h2>
        ${honours.length ? html`<ul>${honours.map((h) => html`<li><strong>${h.title}</strong>（${h.awardedOn}）${h.reason ? `：${h.reason}` : ''}</li>`)}</ul>` : html`<p class="muted">${T.none}</p>`}
        <h2>${t.training.title}</h2>
        ${seats.length ? html`<table>${seats.map(({ session: s, enrolment: e }) => html`<tr><td><a href="/console/training/${s.id}">${s.title}</a></td><td>${when(s.startsAt)}</td><td>${e.status === 'enrolled' ? t.training.statusEnrolled : t.training.statusWaitlisted}</td><td>${e.attendedAt ? `${t.training.attended} ${when(e.attendedAt)}` : '—'}</td></tr>`)}</table>` : html`<p class="muted">${T.none}</p>`}
        <h2>${T.rebate}</h2>
        ${positions.length ? html`<ul>${positions.map((p) => html`<li><strong>${p.policy.name}</strong>（${p.cohort}）：${policyDealer ? explainPosition(p, policyDealer).text : ''}</li>`)}</ul>` : html`<p class="muted">${T.none}</p>`}
        <h2>${T.stock}</h2>
        ${
          d.stock.length
            ? html`<table><tr><th>${T.sku}</th><th>${T.product}</th><th>${T.qty}</th><th>${T.sold30}</th><th>${T.cover}</th><th></th></tr>${d.stock.map(
                (s) => {
                  const cover = daysOfCover(s.onHand, s.sold30);
                  const over = overstockOf(s);
                  return html`<tr><td>${s.sku}</td><td>${s.name}</td><td class="n">${s.onHand}</td><td class="n">${s.sold30}</td><td class="n">${cover === null ? '—' : cover.toFixed(0)}</td><td>${over ? html`<span class="breach">${over.daysOfCover === null ? T.noMovement : T.overstock}</span>` : null}</td></tr>`;
                },
              )}</table>`
            : html`<p class="muted">${T.none}</p>`
        }
        <h2>${T.needs}</h2>
        ${
          d.needs.length
            ? needRows(
                d.needs.map((n) => ({ need: n, dealerName: d.name, ownerName: n.ownerCode })),
                now,
              )
            : html`<p class="muted">${T.none}</p>`
        }
        <h2>${T.received}</h2>
        ${d.received.length ? html`<table>${d.received.map((r) => html`<tr><td>${when(r.at)}</td><td>${r.kind}</td><td>${r.status}</td><td>${r.body}</td></tr>`)}</table>` : html`<p class="muted">${T.none}</p>`}`;
      return sendPage(reply, page(ctx.page, `${d.name} ${d.code}`, 'dealers', body));
    });
  };
}
