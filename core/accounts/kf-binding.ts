import { randomBytes, randomInt } from 'node:crypto';

/** The slice of the key-value store binding codes need (the KV adapter satisfies it). */
export interface BindingCodeStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only when the key is absent; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  increment(key: string, ttlMs: number): Promise<number>;
  del(key: string): Promise<void>;
}

export const KF_CODE_TTL_MS = 10 * 60_000;
export const KF_CODE_MAX_TRIES_PER_HOUR = 5;

/** "123456" or "绑定 123456": the only messages an unbound 微信客服 account may bind a manager with. */
export function readKfBindingCode(text: string): string | null {
  return text.trim().match(/^(?:绑定[\s:：]*)?(\d{6})$/)?.[1] ?? null;
}

export type KfRedeemResult =
  | { kind: 'bound'; managerCode: string }
  | { kind: 'invalid'; triesLeft: number }
  | { kind: 'tooMany' };

/**
 * One-time codes that let a manager bind their 微信客服 account: the proof comes from a session we already trust (the
 * console's WeCom sign-in), never from what the chat account says. A code lives 10 minutes, is used once, and a
 * manager has at most one live code (a new one replaces it). Each chat account has 5 tries an hour.
 *
 * ### Example
 * ```ts
 * const { code } = await codes.issue('M001');          // shown in the console
 * await codes.redeem('kf:wmXYZ', code);                // → { kind: 'bound', managerCode: 'M001' }
 * await codes.redeem('kf:wmXYZ', code);                // → { kind: 'invalid', … }: used
 * ```
 */
export class KfBindingCodes {
  constructor(private readonly kv: BindingCodeStore) {}

  async issue(managerCode: string): Promise<{ code: string; ttlMs: number }> {
    const previous = await this.kv.get(`kfbind:manager:${managerCode}`);
    // The old digits may since have been used and issued to someone else: drop them only while still this manager's.
    if (previous && (await this.kv.get(`kfbind:code:${previous}`))?.startsWith(`${managerCode}:`)) {
      await this.kv.del(`kfbind:code:${previous}`);
    }
    for (;;) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      // The nonce tells this issue of the code from an earlier one with the same digits (its "used" mark).
      const value = `${managerCode}:${randomBytes(6).toString('hex')}`;
      if (!(await this.kv.setIfAbsent(`kfbind:code:${code}`, value, KF_CODE_TTL_MS))) continue; // digits in use
      await this.kv.set(`kfbind:manager:${managerCode}`, code, KF_CODE_TTL_MS);
      return { code, ttlMs: KF_CODE_TTL_MS };
    }
  }

  /** `account` is the chat account trying (`<channel>:<external id>`): its tries are counted. */
  async redeem(account: string, code: string): Promise<KfRedeemResult> {
    const tries = await this.kv.increment(`kfbind:tries:${account}`, 3600_000);
    if (tries > KF_CODE_MAX_TRIES_PER_HOUR) return { kind: 'tooMany' };
    const invalid = { kind: 'invalid', triesLeft: KF_CODE_MAX_TRIES_PER_HOUR - tries } as const;
    const value = await this.kv.get(`kfbind:code:${code}`);
    if (!value) return invalid;
    // Two accounts sending the same code at once: only the first to mark it used binds.
    if (!(await this.kv.setIfAbsent(`kfbind:used:${code}:${value}`, account, KF_CODE_TTL_MS))) return invalid;
    await this.kv.del(`kfbind:code:${code}`);
    const managerCode = value.slice(0, value.indexOf(':'));
    return { kind: 'bound', managerCode };
  }
}
