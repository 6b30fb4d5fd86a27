import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isHq } from '../../../core/console/index.js';
import { consoleTexts as t } from '../../replies/console.texts.js';
import { audit, type ConsoleDeps, ctxOf, flash, sendPage } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, page, when } from '../layout.js';

const T = t.kf;
const unbindBody = z.object({ external_id: z.string().min(1).max(200) }).passthrough();

/**
 * 微信客服 binding: a signed-in manager gets a one-time code to send from their KF account (the proof is this
 * session, never the chat text), sees their bound accounts and unbinds them; HQ sees and removes everyone's.
 */
export function kfBindingPage(deps: ConsoleDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get('/console/kf', { schema: { querystring: z.object({ done: z.string().optional() }) } }, async (req, reply) =>
      render(deps, req, reply, flash(req.query.done)),
    );
    r.post('/console/kf/code', async (req, reply) => {
      const ctx = ctxOf(req);
      if (isHq(ctx.viewer) || !deps.kfBinding) return reply.redirect('/console/kf', 303);
      const { code, ttlMs } = await deps.kfBinding.issue(ctx.viewer.managerCode);
      await audit(deps, req, ctx.viewer, 'kf.code', ctx.viewer.managerCode);
      // Shown once on this response, never put in a URL (access logs, history).
      return render(deps, req, reply, html`<p class="note"><strong>${T.code(code, ttlMs / 60_000)}</strong></p>`);
    });
    r.post('/console/kf/unbind', { schema: { body: unbindBody } }, async (req, reply) => {
      const ctx = ctxOf(req);
      const external = req.body.external_id;
      const removed = await deps.services.directory.unbindManagerKf(
        external,
        isHq(ctx.viewer) ? undefined : ctx.viewer.managerCode,
      );
      if (removed) await audit(deps, req, ctx.viewer, 'kf.unbind', external);
      return reply.redirect(`/console/kf?done=${encodeURIComponent(removed ? T.unbound : T.notFound)}`, 303);
    });
  };
}

async function render(deps: ConsoleDeps, req: FastifyRequest, reply: FastifyReply, banner: SafeHtml | null) {
  const ctx = ctxOf(req);
  const viewer = ctx.viewer;
  const hq = isHq(viewer);
  const accounts = await deps.services.directory.managerKfAccounts(
    viewer.role === 'hq' ? undefined : viewer.managerCode,
  );
  const csrf = ctx.page.csrf;
  const issue =
    hq || !deps.kfBinding
      ? null
      : html`<form method="post" action="/console/kf/code">${csrfField(csrf)}<button class="primary" type="submit">${T.issue}</button></form>`;
  const table = accounts.length
    ? html`<table><tr><th>${T.account}</th><th>${T.manager}</th><th>${T.boundAt}</th><th></th></tr>
      ${accounts.map(
        (a) => html`<tr><td>${a.externalId}</td><td>${a.managerName} ${a.managerCode}</td><td>${when(a.boundAt)}</td>
          <td><form method="post" action="/console/kf/unbind">${csrfField(csrf)}<input type="hidden" name="external_id" value="${a.externalId}"><button type="submit">${T.unbind}</button></form></td></tr>`,
      )}</table>`
    : html`<p class="muted">${T.none}</p>`;
  const body = html`${banner}<p class="muted">${hq ? T.hqIntro : T.intro}</p>${issue}${table}`;
  return sendPage(reply, page(ctx.page, t.nav.kf, 'kf', body));
}
