import { describe, expect, it } from 'vitest';
import { SESSION_IDLE_MS, SESSION_MAX_MS, sessionLive, sessionNeedsTouch } from './session.rules.js';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 26) + ms);

describe('console session expiry', () => {
  it('lives until idle for 30 minutes', () => {
    const s = { createdAt: at(0), lastSeenAt: at(0) };
    expect(sessionLive(s, at(SESSION_IDLE_MS - 1))).toBe(true);
    expect(sessionLive(s, at(SESSION_IDLE_MS))).toBe(false);
  });

  it('ends after 12 hours even when used all along', () => {
    const s = { createdAt: at(0), lastSeenAt: at(SESSION_MAX_MS - 1000) };
    expect(sessionLive(s, at(SESSION_MAX_MS - 1))).toBe(true);
    expect(sessionLive(s, at(SESSION_MAX_MS))).toBe(false);
  });

  it('is touched at most once a minute', () => {
    expect(sessionNeedsTouch({ lastSeenAt: at(0) }, at(59_999))).toBe(false);
    expect(sessionNeedsTouch({ lastSeenAt: at(0) }, at(60_000))).toBe(true);
  });
});
