import type { KfBindingCodes } from '../../core/accounts/kf-binding.js';
import type { ImportOfferReview } from '../../core/imports/offer.service.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, type ConsoleSession, type ConsoleViewer } from '../../core/console/index.js';
import type { SlaTable } from '../../core/needs/sla.js';
import { consoleTexts as t } from '../replies/console.texts.js';
import type { Services } from '../services.js';
import type { LoginCounter } from './auth.js';
import { html, type SafeHtml } from './html.js';
import { type PageViewer, page } from './layout.js';

/** WeCom web sign-in (网页授权) for account managers: where to send them, and the code → userid exchange. */
export interface WecomOAuth {
  corpId: string;
  agentId: string;
  /** https://open.weixin.qq.com/connect/oauth2/authorize unless a test points it elsewhere. */
  authorizeUrl: string;
  /** The member's userid for an OAuth code (WeCom `auth/getuserinfo`); null for a non-member or a bad code. */
  userIdForCode(code: string): Promise<string | null>;
}

export interface ConsoleDeps {
  /** Services on the database. */
  services: Services;
  /** Where failed sign-ins are counted (shared across instances with Redis). */
  kv: LoginCounter;
  now: () => Date;
  /** HQ signs in with it; without it HQ cannot sign in. */
  adminToken: string | undefined;
  sla: SlaTable;
  wecomOAuth: WecomOAuth | null;
  /** The console's public origin (PUBLIC_BASE_URL); unset: the request's own, as the trusted proxies tell it. */
  publicBaseUrl?: string;
  /** HQ's review of the files managers sent in chat (the imports page); absent: the page lists runs only. */
  importOffers?: ImportOfferReview;
  /** One-time codes a manager binds their 微信客服 account with; absent: the page only lists and unbinds. */
  kfBinding?: KfBindingCodes;
}

/** What every signed-in console request carries. */
export interface RequestContext {
  session: ConsoleSession;
  viewer: ConsoleViewer;
  page: PageViewer;
}

const contexts = new WeakMap<FastifyRequest, RequestContext>();
export const bindContext = (req: FastifyRequest, ctx: RequestContext) => contexts.set(req, ctx);
export function ctxOf(req: FastifyRequest): RequestContext {
  const ctx = contexts.get(req);
  if (!ctx) throw new Error('console route reached without a session');
  return ctx;
}

export function sendPage(reply: FastifyReply, markup: string, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').send(markup);
}

export function notFound(reply: FastifyReply, viewer: PageViewer | null) {
  return sendPage(reply, page(viewer, t.errors.notFound, null, html``), 404);
}

/** Records a console action: who, what, on what, when and from where. */
export async function audit(
  deps: ConsoleDeps,
  req: FastifyRequest,
  who: ConsoleViewer | string,
  action: string,
  subject: string | null,
  detail: Record<string, unknown> = {},
) {
  await deps.services.consoleSessions.record({
    at: deps.now(),
    actor: typeof who === 'string' ? who : actorOf(who),
    action,
    subject,
    detail,
    ip: req.ip,
  });
}

/** A banner shown once after an action (passed along in the redirect's query). */
export const flash = (text: string | undefined): SafeHtml | null => (text ? html`<p class="note">${text}</p>` : null);

/** A few seconds' cache of a page's computed figures per viewer, so repeated views do not rescan the orders. */
export class TtlCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();
  constructor(private readonly ttlMs: number) {}
  get(key: string, now: number, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = compute();
    this.entries.set(key, { at: now, value });
    value.catch(() => this.entries.delete(key));
    return value;
  }
}
