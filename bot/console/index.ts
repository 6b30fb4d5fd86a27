import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, validatorCompiler } from 'fastify-type-provider-zod';
import { DomainError } from '../../core/common/errors.js';
import { consoleTexts as t } from '../replies/console.texts.js';
import {
  clearCookie,
  currentSession,
  LOGIN_CSRF_COOKIE,
  LoginLimiter,
  newToken,
  OAUTH_STATE_COOKIE,
  readCookies,
  SESSION_COOKIE,
  sameSecret,
  setCookie,
  signIn,
  viewerOf,
} from './auth.js';
import { bindContext, type ConsoleDeps, ctxOf, notFound, sendPage } from './context.js';
import { html } from './html.js';
import { csrfField, page } from './layout.js';
import { dealerPages } from './pages/dealers.js';
import { growthPages } from './pages/growth.js';
import { kfBindingPage } from './pages/kf-binding.js';
import { needsPages } from './pages/needs.js';
import { opsPages } from './pages/ops.js';
import { overviewPage } from './pages/overview.js';
import { policyPages } from './pages/policies.js';
import { statementPages } from './pages/statements.js';
import { trainingPages } from './pages/training.js';

export type { ConsoleDeps, WecomOAuth } from './context.js';

const PUBLIC = new Set(['/console/login', '/console/oauth/start', '/console/oauth/callback']);
const SECURITY_HEADERS = {
  // No script runs on any console page: even markup that slipped through escaping could not execute.
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/**
 * The HQ console under /console: server-rendered pages over the console read model, behind a session cookie.
 * HQ signs in with the admin token, account managers through WeCom; every form carries the session's CSRF token.
 */
export function consoleRoutes(deps: ConsoleDeps) {
  const limiter = new LoginLimiter(deps.kv);
  return async (app: FastifyInstance) => {
    app.setValidatorCompiler(validatorCompiler);
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    app.addHook('onSend', async (_req, reply, payload) => {
      reply.headers(SECURITY_HEADERS);
      return payload;
    });
    app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
      const viewer = safeCtx(req)?.page ?? null;
      if (hasZodFastifySchemaValidationErrors(err)) {
        const fields = err.validation.map(
          (v) => `${v.instancePath.replace(/^\//, '') || err.validationContext} ${v.message}`,
        );
        return sendPage(
          reply,
          page(viewer, t.errors.badRequest, null, html`<p class="err">${fields.join('; ')}</p>`),
          400,
        );
      }
      if (err instanceof DomainError) {
        const status = err.code.endsWith('NOT_FOUND') ? 404 : 422;
        return sendPage(reply, page(viewer, err.code, null, html`<p class="err">${err.message}</p>`), status);
      }
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status >= 500) req.log.error({ err: { name: err.name, message: err.message } }, 'console request failed');
      return sendPage(
        reply,
        page(viewer, String(status), null, html`<p class="err">${status >= 500 ? 'internal error' : err.message}</p>`),
        status,
      );
    });

    // Every page but the sign-in ones needs a live session; every form post its CSRF token.
    app.addHook('preValidation', async (req, reply) => {
      const path = req.url.split('?')[0]!;
      if (PUBLIC.has(path)) return;
      const session = await currentSession(deps.services.consoleSessions, req, deps.now());
      if (!session) return reply.redirect('/console/login', 303);
      const viewer = viewerOf(session);
      const name =
        viewer.role === 'hq'
          ? t.hq
          : `${(await deps.services.consoleSessions.managerName(viewer.managerCode)) ?? ''} ${viewer.managerCode}`;
      bindContext(req, { session, viewer, page: { role: viewer.role, name, csrf: session.csrf } });
      if (req.method === 'POST' && !sameSecret(formField(req, '_csrf'), session.csrf)) {
        return sendPage(reply, page(null, t.errors.csrf, null, html`<p class="err">${t.errors.csrf}</p>`), 403);
      }
    });

    app.get('/console/login', async (req, reply) => loginPage(req, reply, deps, null, 200));

    app.post('/console/login', async (req, reply) => {
      const ip = req.ip;
      const cookies = readCookies(req);
      if (!cookies[LOGIN_CSRF_COOKIE] || !sameSecret(formField(req, '_csrf'), cookies[LOGIN_CSRF_COOKIE])) {
        return loginPage(req, reply, deps, t.errors.csrf, 403);
      }
      if (!deps.adminToken) return loginPage(req, reply, deps, t.login.disabled, 404);
      if (await limiter.blocked(ip)) return loginPage(req, reply, deps, t.login.limited, 429);
      if (!sameSecret(formField(req, 'token'), deps.adminToken)) {
        await limiter.failed(ip);
        await auditSafe(deps, req, 'anonymous', 'login.failed');
        return loginPage(req, reply, deps, t.login.failed, 401);
      }
      clearCookie(reply, req, LOGIN_CSRF_COOKIE);
      await signIn(deps.services.consoleSessions, req, reply, { role: 'hq' }, deps.now());
      await auditSafe(deps, req, 'hq', 'login');
      return reply.redirect('/console', 303);
    });

    app.post('/console/logout', async (req, reply) => {
      const { session, viewer } = ctxOf(req);
      await deps.services.consoleSessions.end(session.id, deps.now());
      await auditSafe(deps, req, viewer.role === 'hq' ? 'hq' : viewer.managerCode, 'logout');
      clearCookie(reply, req, SESSION_COOKIE);
      return reply.redirect('/console/login', 303);
    });

    app.get('/console/oauth/start', async (req, reply) => {
      const oauth = deps.wecomOAuth;
      if (!oauth) return notFound(reply, null);
      const state = newToken();
      // Lax: the browser comes back to the callback from WeCom's site, a cross-site navigation.
      setCookie(reply, req, OAUTH_STATE_COOKIE, state, { maxAgeSec: 600, sameSite: 'Lax' });
      const redirect = `${deps.publicBaseUrl ?? origin(req)}/console/oauth/callback`;
      const q = new URLSearchParams({
        appid: oauth.corpId,
        redirect_uri: redirect,
        response_type: 'code',
        scope: 'snsapi_base',
        state,
        agentid: oauth.agentId,
      });
      return reply.redirect(`${oauth.authorizeUrl}?${q}#wechat_redirect`, 302);
    });

    app.get('/console/oauth/callback', async (req, reply) => {
      const oauth = deps.wecomOAuth;
      if (!oauth) return notFound(reply, null);
      const q = req.query as Record<string, string | undefined>;
      const state = readCookies(req)[OAUTH_STATE_COOKIE];
      clearCookie(reply, req, OAUTH_STATE_COOKIE);
      if (!q.code || !state || !sameSecret(q.state, state))
        return loginPage(req, reply, deps, t.login.oauthFailed, 400);
      let userid: string | null;
      try {
        userid = await oauth.userIdForCode(q.code);
      } catch (e) {
        req.log.warn({ err: { name: (e as Error).name, message: (e as Error).message } }, 'wecom oauth failed');
        return loginPage(req, reply, deps, t.login.oauthFailed, 502);
      }
      const manager = userid ? await deps.services.consoleSessions.managerByWecomUser(userid) : null;
      if (!manager) {
        await auditSafe(deps, req, 'anonymous', 'login.denied', userid ? `wecom:${userid}` : null);
        return loginPage(req, reply, deps, t.login.notManager, 403);
      }
      await signIn(
        deps.services.consoleSessions,
        req,
        reply,
        { role: 'manager', managerCode: manager.code },
        deps.now(),
      );
      await auditSafe(deps, req, manager.code, 'login.wecom');
      // A same-site step before /console: a Strict cookie is not sent on the cross-site redirect chain from WeCom.
      return sendPage(
        reply,
        html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/console"><title>${t.appName}</title></head><body><a href="/console">${t.login.continue}</a></body></html>`
          .value,
      );
    });

    await app.register(overviewPage(deps));
    await app.register(dealerPages(deps));
    await app.register(needsPages(deps));
    await app.register(policyPages(deps));
    await app.register(statementPages(deps));
    await app.register(opsPages(deps));
    await app.register(trainingPages(deps));
    await app.register(growthPages(deps));
    await app.register(kfBindingPage(deps));
  };
}

function safeCtx(req: FastifyRequest) {
  try {
    return ctxOf(req);
  } catch {
    return null;
  }
}

function formField(req: FastifyRequest, name: string): string | undefined {
  const body = req.body as Record<string, unknown> | null | undefined;
  const v = body && typeof body === 'object' ? body[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** The request's origin: X-Forwarded-Proto/-Host count only from a trusted proxy (TRUST_PROXY). */
function origin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host || 'localhost'}`;
}

async function auditSafe(
  deps: ConsoleDeps,
  req: FastifyRequest,
  actor: string,
  action: string,
  subject: string | null = null,
) {
  await deps.services.consoleSessions.record({ at: deps.now(), actor, action, subject, detail: {}, ip: req.ip });
}

async function loginPage(
  req: FastifyRequest,
  reply: FastifyReply,
  deps: ConsoleDeps,
  error: string | null,
  status: number,
) {
  // Already signed in: straight to the console.
  if (req.method === 'GET' && (await currentSession(deps.services.consoleSessions, req, deps.now()))) {
    return reply.redirect('/console', 303);
  }
  const csrf = newToken();
  setCookie(reply, req, LOGIN_CSRF_COOKIE, csrf, { maxAgeSec: 3600 });
  const body = html`${error ? html`<p class="err">${error}</p>` : null}
    ${deps.adminToken ? null : html`<p class="note">${t.login.disabled}</p>`}
    <form method="post" action="/console/login" class="card" style="max-width:360px">
      ${csrfField(csrf)}
      <label>${t.login.token}<br><input type="password" name="token" autocomplete="current-password" required style="width:100%"></label>
      <p><button class="primary" type="submit">${t.login.submit}</button></p>
    </form>
    ${deps.wecomOAuth ? html`<p><a href="/console/oauth/start">${t.login.wecom}</a></p>` : null}`;
  return sendPage(reply, page(null, t.login.title, null, body), status);
}
