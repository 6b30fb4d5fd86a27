import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AccountError } from '../../../core/accounts/accounts.errors.js';
import type { Statement } from '../../../core/accounts/accounts.types.js';
import { shanghaiDate } from '../../../core/common/time.js';
import { DomainError } from '../../../core/common/errors.js';
import type { RebateStatement } from '../../../core/policies/rebate-statement.js';
import { dayText, ORDER_STATUS_ZH, periodLabel } from '../../replies/format.js';
import { formatPercent, formatYuan } from '../../replies/policy.explain.js';
import { statementPageTexts as T } from '../../replies/statements.replies.js';
import type { Services } from '../../services.js';
import { audit, type ConsoleDeps, ctxOf, flash, sendPage } from '../context.js';
import { html, type SafeHtml, trusted } from '../html.js';
import { csrfField, page, when } from '../layout.js';
import { hqOnly } from './hq-only.js';

const DEALER = z.string().regex(/^D\d{4}$/);
const PERIOD = z.string().regex(/^\d{4}-(\d{2}|Q[1-4])$/);
const linkParams = z.object({ dealer: DEALER, period: PERIOD });
const linkQuery = z.object({ exp: z.coerce.number().int().positive(), sig: z.string().min(1).max(128) });
const consoleQuery = z.object({
  dealer: z.union([DEALER, z.literal('')]).optional(),
  period: z.union([PERIOD, z.literal('')]).optional(),
  done: z.string().max(200).optional(),
});
const settleBody = z.object({ _csrf: z.string(), dealer: DEALER, policy: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

const yuan = (fen: number) => formatYuan(fen);

/** The statement of account and the rebate statements as one printable document body (public page and console). */
export function statementDocument(s: Statement, rebates: readonly RebateStatement[]): SafeHtml {
  const row = (label: string, count: number | null, fen: number | null) =>
    html`<tr><td>${label}</td><td class="n">${count ?? ''}</td><td class="n">${fen === null ? '' : yuan(fen)}</td></tr>`;
  return html`<section class="doc">
  <p>${T.dealer}：<strong>${s.dealer.name}</strong>（${s.dealer.code}） · ${T.period}：${dayText(s.period.start)}—${dayText(s.period.end)}${s.period.running ? T.running : ''} · ${T.asOf} ${dayText(s.asOf)}</p>
  <table><tr><th>${T.item}</th><th>${T.count}</th><th>${T.amount}</th></tr>
  ${row(T.orders, s.orders.count, s.orders.totalFen)}
  ${s.orders.cancelledCount ? row(T.cancelled, s.orders.cancelledCount, s.orders.cancelledFen) : null}
  ${row(T.payments, s.payments.count, s.payments.totalFen)}
  ${row(T.rebatesSettled, s.rebates.count, s.rebates.totalFen)}
  ${row(T.billed, s.billed.count, s.billed.amountFen)}
  ${row(T.billedOpen, null, s.billed.openFen)}
  ${row(T.balance, null, s.balance.totalFen)}
  ${row(T.creditLimit, null, s.credit.limitFen)}
  ${row(T.creditUsed, null, s.credit.usedFen)}
  ${row(T.creditLeft, null, s.credit.leftFen)}</table>
  <h2>${T.orders}</h2>
  ${
    s.orders.items.length
      ? html`<table><tr><th>${T.orderNo}</th><th>${T.placedOn}</th><th>${T.amount}</th><th>${T.status}</th></tr>
        ${s.orders.items.map((o) => html`<tr><td>${o.orderNo}</td><td>${shanghaiDate(o.placedAt)}</td><td class="n">${yuan(o.totalFen)}</td><td>${ORDER_STATUS_ZH[o.status] ?? o.status}</td></tr>`)}</table>`
      : html`<p class="muted">${T.none}</p>`
  }
  <h2>${T.overdue}</h2>
  ${
    s.overdue.items.length
      ? html`<table><tr><th>${T.orderNo}</th><th>${T.dueDate}</th><th>${T.openAmount}</th><th>${T.overdueDays}</th></tr>
        ${s.overdue.items.map((o) => html`<tr><td>${o.orderNo ?? '—'}</td><td>${o.dueDate}</td><td class="n">${yuan(o.openFen)}</td><td class="n">${o.daysOverdue}</td></tr>`)}</table>`
      : html`<p class="muted">${T.none}</p>`
  }
  ${rebates.map((r) => rebateSection(r))}
  <p class="sign">${T.signDealer}<span class="line"></span>${T.signDate}<span class="line short"></span></p>
  <p class="sign">${T.signCompany}<span class="line"></span>${T.signDate}<span class="line short"></span></p>
</section>`;
}

function rebateSection(r: RebateStatement, settleForm?: SafeHtml | null): SafeHtml {
  const next = r.position.next;
  return html`<h2>${T.rebateTitle(r.policy.name)}</h2>
  <table><tr><th>${T.band}</th><th>${T.rate}</th></tr>
  ${r.policy.ladder.map((b, i) => html`<tr class="${i === r.position.band ? 'on' : ''}"><td class="n">${yuan(b.from)}</td><td class="n">${formatPercent(b.rate)}</td></tr>`)}</table>
  <table>
  <tr><td>${T.qualifying}</td><td class="n">${yuan(r.basis.amountFen)}</td></tr>
  <tr><td>${T.reached}</td><td class="n">${yuan(r.position.bandFrom)} · ${formatPercent(r.position.rate)}</td></tr>
  <tr><td>${T.accrued}</td><td class="n">${yuan(r.accruedFen)}</td></tr>
  <tr><td>${T.nextBand}</td><td class="n">${next ? `${yuan(next.from)}（${T.gap} ${yuan(next.gap)}，${T.atNext} ${yuan(next.rebateAtNext)}）` : T.topBand}</td></tr>
  <tr><td>${T.settled}</td><td class="n">${yuan(r.settledFen)}</td></tr>
  <tr><td>${T.netDue}</td><td class="n"><strong>${yuan(r.netDueFen)}</strong></td></tr></table>
  ${
    r.settlements.length
      ? html`<table><tr><th>${T.seq}</th><th>${T.settledOn}</th><th>${T.accrued}</th><th>${T.paid}</th><th>${T.settledBy}</th></tr>
        ${r.settlements.map((x) => html`<tr><td class="n">${x.seq}</td><td>${when(x.settledAt)}</td><td class="n">${yuan(x.accruedFen)}</td><td class="n">${yuan(x.paidFen)}</td><td>${x.settledBy}</td></tr>`)}</table>`
      : null
  }
  ${settleForm ?? null}`;
}

const PRINT_CSS = trusted(
  [
    'body{font:14px/1.6 "PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#111;max-width:900px;margin:24px auto;padding:0 16px}',
    'h1{font-size:20px}h2{font-size:16px;margin:20px 0 6px}table{border-collapse:collapse;width:100%;margin-bottom:8px}',
    'th,td{border:1px solid #999;padding:3px 8px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.on td{font-weight:700}',
    '.muted{color:#666;font-size:12px}.sign{margin-top:28px}.line{display:inline-block;width:220px;border-bottom:1px solid #111;margin:0 24px 0 4px}.line.short{width:120px}',
    '@media print{.muted{display:none}body{margin:0}}',
  ].join(''),
);

function standalone(title: string, body: SafeHtml): string {
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><link rel="icon" href="data:,"><style>${PRINT_CSS}</style></head><body><h1>${title}</h1>${body}<p class="muted">${T.printHint}</p></body></html>`
    .value;
}

const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function errorPage(reply: FastifyReply, status: number, text: string) {
  return reply.code(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(standalone(text, html``));
}

/**
 * The printable statement behind a signed, expiring link (`GET /statements/D0012/2026-11?exp=…&sig=…`): no sign-in,
 * the HMAC is the permission. 400 malformed, 403 signature does not match (any edited part), 410 expired, 404 dealer
 * gone.
 */
export function statementLinkRoutes(deps: { services: Services; now: () => Date }) {
  return async (base: FastifyInstance) => {
    base.get('/statements/:dealer/:period', async (req, reply) => {
      const params = linkParams.safeParse(req.params);
      const query = linkQuery.safeParse(req.query);
      if (!params.success || !query.success) return errorPage(reply, 400, T.errors.badRequest);
      const now = deps.now();
      const check = deps.services.statementLinks.links.verify(
        { dealerCode: params.data.dealer, period: params.data.period, exp: query.data.exp },
        query.data.sig,
        now,
      );
      if (!check.ok)
        return errorPage(
          reply,
          check.reason === 'expired' ? 410 : 403,
          check.reason === 'expired' ? T.errors.expired : T.errors.badLink,
        );
      try {
        const s = await deps.services.statement.statement({
          dealerCode: params.data.dealer,
          period: params.data.period,
          now,
        });
        const rebates = await deps.services.rebates.statements(params.data.dealer, now);
        return reply
          .headers(PAGE_HEADERS)
          .type('text/html; charset=utf-8')
          .send(standalone(T.title(periodLabel(s.period.label)), statementDocument(s, rebates)));
      } catch (e) {
        if (e instanceof AccountError || e instanceof DomainError) return errorPage(reply, 404, T.errors.notFound);
        throw e;
      }
    });
  };
}

/** The console's statements section: any dealer's statement and rebate statements; HQ settles a period (netted). */
export function statementPages(deps: ConsoleDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.addHook('preValidation', hqOnly);

    app.get('/console/statements', { schema: { querystring: consoleQuery } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const now = deps.now();
      const dealer = req.query.dealer || undefined;
      const form = html`<form class="filters" method="get" action="/console/statements">
        <label>${T.dealer}<input name="dealer" value="${dealer ?? ''}" placeholder="D0012" pattern="D[0-9]{4}"></label>
        <label>${T.period}<input name="period" value="${req.query.period ?? ''}" placeholder="${T.periodHint}"></label>
        <button class="primary" type="submit">${T.show}</button></form>`;
      if (!dealer)
        return sendPage(reply, page(ctx.page, T.consoleTitle, 'statements', html`${flash(req.query.done)}${form}`));
      const s = await deps.services.statement.statement({
        dealerCode: dealer,
        period: req.query.period || undefined,
        now,
      });
      const rebates = await deps.services.rebates.statements(dealer, now);
      const settle = (r: RebateStatement) =>
        r.netDueFen !== 0
          ? html`<form method="post" action="/console/statements/settle">${csrfField(ctx.page.csrf)}
            <input type="hidden" name="dealer" value="${dealer}"><input type="hidden" name="policy" value="${r.policy.code}">
            <button class="primary" type="submit">${T.settle} ${yuan(r.netDueFen)}</button></form>`
          : null;
      const body = html`${flash(req.query.done)}${form}<h2>${T.title(periodLabel(s.period.label))}</h2>
        ${statementDocument(s, [])}${rebates.map((r) => rebateSection(r, settle(r)))}`;
      return sendPage(reply, page(ctx.page, T.consoleTitle, 'statements', body));
    });

    app.post('/console/statements/settle', { schema: { body: settleBody } }, async (req, reply) => {
      const out = await deps.services.rebates.settle({
        dealerCode: req.body.dealer,
        policyCode: req.body.policy,
        by: 'hq',
        now: deps.now(),
      });
      await audit(deps, req, 'hq', 'rebate.settle', `${req.body.dealer} ${req.body.policy}`);
      const done = out.kind === 'settled' ? T.settledDone(yuan(out.settlement.paidFen)) : T.nothingDue;
      return reply.redirect(`/console/statements?dealer=${req.body.dealer}&done=${encodeURIComponent(done)}`, 303);
    });
  };
}
