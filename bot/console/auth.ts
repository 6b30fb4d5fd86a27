import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  type ConsoleSession,
  type ConsoleViewer,
  LOGIN_MAX_FAILURES,
  LOGIN_WINDOW_MS,
  SESSION_MAX_MS,
  sessionLive,
  sessionNeedsTouch,
} from '../../core/console/index.js';
import type { ConsoleSessionStore } from '../../core/console/ports.js';

/** The session cookie; its value is a random token whose sha-256 is the session's id. */
export const SESSION_COOKIE = 'gs_console';
/** The sign-in form's double-submit token (before there is a session to hold one). */
export const LOGIN_CSRF_COOKIE = 'gs_login_csrf';
/** The WeCom OAuth `state`, checked on the way back. */
export const OAUTH_STATE_COOKIE = 'gs_oauth_state';

/** The part of the key-value store the sign-in limit needs. */
export interface LoginCounter {
  get(key: string): Promise<string | null>;
  increment(key: string, ttlMs: number): Promise<number>;
}

export const newToken = () => randomBytes(32).toString('base64url');
export const sessionIdOf = (token: string) => createHash('sha256').update(token).digest('hex');

export function sameSecret(given: string | undefined, want: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function readCookies(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    try {
      out[name] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // A malformed cookie is no cookie.
    }
  }
  return out;
}

/** Cookies are Secure when the request came over HTTPS (directly or through a proxy saying so). */
export function isHttps(req: FastifyRequest): boolean {
  return (
    req.protocol === 'https' ||
    String(req.headers['x-forwarded-proto'] ?? '')
      .split(',')[0]
      ?.trim() === 'https'
  );
}

export function setCookie(
  reply: FastifyReply,
  req: FastifyRequest,
  name: string,
  value: string,
  opts: { maxAgeSec: number; sameSite?: 'Strict' | 'Lax' },
): void {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/console',
    'HttpOnly',
    `SameSite=${opts.sameSite ?? 'Strict'}`,
    `Max-Age=${opts.maxAgeSec}`,
  ];
  if (isHttps(req)) parts.push('Secure');
  const existing = reply.getHeader('set-cookie');
  const list = Array.isArray(existing) ? existing : existing ? [String(existing)] : [];
  reply.header('set-cookie', [...list, parts.join('; ')]);
}

export const clearCookie = (reply: FastifyReply, req: FastifyRequest, name: string) =>
  setCookie(reply, req, name, '', { maxAgeSec: 0 });

/** Opens a session for a viewer and sets its cookie. */
export async function signIn(
  store: ConsoleSessionStore,
  req: FastifyRequest,
  reply: FastifyReply,
  viewer: ConsoleViewer,
  now: Date,
): Promise<ConsoleSession> {
  const token = newToken();
  const session: ConsoleSession = {
    id: sessionIdOf(token),
    role: viewer.role,
    managerCode: viewer.role === 'manager' ? viewer.managerCode : null,
    csrf: newToken(),
    createdAt: now,
    lastSeenAt: now,
  };
  await store.create(session);
  setCookie(reply, req, SESSION_COOKIE, token, { maxAgeSec: SESSION_MAX_MS / 1000 });
  return session;
}

/** The live session of a request, if any (touching its last-seen time); an expired one is ended. */
export async function currentSession(
  store: ConsoleSessionStore,
  req: FastifyRequest,
  now: Date,
): Promise<ConsoleSession | null> {
  const token = readCookies(req)[SESSION_COOKIE];
  if (!token) return null;
  const session = await store.find(sessionIdOf(token));
  if (!session) return null;
  if (!sessionLive(session, now)) {
    await store.end(session.id, now);
    return null;
  }
  if (sessionNeedsTouch(session, now)) await store.touch(session.id, now);
  return session;
}

export const viewerOf = (s: ConsoleSession): ConsoleViewer =>
  s.role === 'hq' || !s.managerCode ? { role: 'hq' } : { role: 'manager', managerCode: s.managerCode };

/** Failed sign-ins per client address: refused once LOGIN_MAX_FAILURES are reached within the window. */
export class LoginLimiter {
  constructor(private readonly kv: LoginCounter) {}
  private key = (ip: string) => `console:login-failures:${ip}`;
  async blocked(ip: string): Promise<boolean> {
    return Number((await this.kv.get(this.key(ip))) ?? 0) >= LOGIN_MAX_FAILURES;
  }
  async failed(ip: string): Promise<void> {
    await this.kv.increment(this.key(ip), LOGIN_WINDOW_MS);
  }
}
