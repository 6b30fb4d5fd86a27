/** How long a console session lives: signed out after 30 minutes without a request, and after 12 hours anyway. */
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_MAX_MS = 12 * 3600_000;
/** A session's last-seen time is written at most once a minute (a page view is a read, not a write). */
export const SESSION_TOUCH_MS = 60_000;

/** Failed sign-ins allowed per client address in a window; further attempts are refused until it ends. */
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 15 * 60_000;

export interface ConsoleSession {
  /** The sha-256 hex of the cookie token (the token itself is never stored). */
  id: string;
  role: 'hq' | 'manager';
  managerCode: string | null;
  /** The token every form of this session must carry. */
  csrf: string;
  createdAt: Date;
  lastSeenAt: Date;
}

/** Whether a session is still usable at `now`: idle and absolute expiry. */
export function sessionLive(s: Pick<ConsoleSession, 'createdAt' | 'lastSeenAt'>, now: Date): boolean {
  const t = now.getTime();
  return t - s.lastSeenAt.getTime() < SESSION_IDLE_MS && t - s.createdAt.getTime() < SESSION_MAX_MS;
}

/** Whether this request should move the session's last-seen time forward. */
export const sessionNeedsTouch = (s: Pick<ConsoleSession, 'lastSeenAt'>, now: Date): boolean =>
  now.getTime() - s.lastSeenAt.getTime() >= SESSION_TOUCH_MS;
