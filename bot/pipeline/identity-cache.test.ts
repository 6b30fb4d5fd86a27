import { describe, expect, it } from 'vitest';
import type { IdentityDirectory } from '../../core/messaging/ports.js';
import type { Channel, Identity } from '../../core/messaging/types.js';
import { IdentityCache } from './identity-cache.js';

/** A directory over a map the test edits, counting its reads. */
function directory(bound: Map<string, string>) {
  const read = (channel: Channel, externalId: string): Identity => {
    const dealerCode = bound.get(externalId);
    return dealerCode
      ? { kind: 'dealer', channel, externalId, dealerCode, dealerName: dealerCode, tier: 'key', managerCode: 'M001' }
      : { kind: 'unbound', channel, externalId };
  };
  const d = {
    /** Look-ups (one per call, however many accounts it reads). */
    reads: 0,
    async resolve(channel: Channel, externalId: string): Promise<Identity> {
      d.reads++;
      return read(channel, externalId);
    },
    async resolveAll(accounts: readonly { channel: Channel; externalId: string }[]): Promise<Identity[]> {
      d.reads++;
      return accounts.map((a) => read(a.channel, a.externalId));
    },
  } satisfies IdentityDirectory & { reads: number };
  return d;
}

describe('IdentityCache', () => {
  it('reuses a bound identity for its time to live, then reads it again and sees the change', async () => {
    let clock = 0;
    const cache = new IdentityCache(10_000, () => clock);
    const bound = new Map([['wx-1', 'D0001']]);
    const dir = directory(bound);
    expect(await cache.resolve(dir, 'wecom', 'wx-1')).toMatchObject({ kind: 'dealer', dealerCode: 'D0001' });
    bound.set('wx-1', 'D0002'); // rebound on another instance
    clock = 9_999;
    expect(await cache.resolve(dir, 'wecom', 'wx-1')).toMatchObject({ dealerCode: 'D0001' });
    expect(dir.reads).toBe(1);
    clock = 10_000;
    expect(await cache.resolve(dir, 'wecom', 'wx-1')).toMatchObject({ dealerCode: 'D0002' });
    expect(dir.reads).toBe(2);
  });

  it('never keeps an unbound account: its binding counts from the next message', async () => {
    const cache = new IdentityCache(10_000, () => 0);
    const bound = new Map<string, string>();
    const dir = directory(bound);
    expect((await cache.resolve(dir, 'wecom', 'wx-2')).kind).toBe('unbound');
    bound.set('wx-2', 'D0003');
    expect(await cache.resolve(dir, 'wecom', 'wx-2')).toMatchObject({ kind: 'dealer', dealerCode: 'D0003' });
    expect(dir.reads).toBe(2);
  });

  it('keeps accounts apart by channel, and keeps nothing with a time to live of 0', async () => {
    const bound = new Map([['same-id', 'D0001']]);
    const dir = directory(bound);
    const cache = new IdentityCache(10_000, () => 0);
    await cache.resolve(dir, 'wecom', 'same-id');
    expect(await cache.resolve(dir, 'kf', 'same-id')).toMatchObject({ channel: 'kf' });
    expect(dir.reads).toBe(2);
    const off = new IdentityCache(0, () => 0);
    await off.resolve(dir, 'wecom', 'same-id');
    await off.resolve(dir, 'wecom', 'same-id');
    expect(dir.reads).toBe(4);
  });

  it('resolves several accounts in one look-up of those not remembered, in order', async () => {
    const bound = new Map([
      ['a', 'D0001'],
      ['b', 'D0002'],
    ]);
    const dir = directory(bound);
    const cache = new IdentityCache(10_000, () => 0);
    await cache.resolve(dir, 'wecom', 'a');
    const all = await cache.resolveAll(dir, [
      { channel: 'wecom', externalId: 'b' },
      { channel: 'wecom', externalId: 'a' },
      { channel: 'wecom', externalId: 'c' },
    ]);
    expect(all.map((i) => (i.kind === 'dealer' ? i.dealerCode : i.kind))).toEqual(['D0002', 'D0001', 'unbound']);
    expect(dir.reads).toBe(2);
    // b is remembered now, c (unbound) is not: one more look-up, of c alone.
    await cache.resolveAll(dir, [
      { channel: 'wecom', externalId: 'b' },
      { channel: 'wecom', externalId: 'c' },
    ]);
    expect(dir.reads).toBe(3);
  });

  it('never keeps a manager: a revoked KF binding stops working at the next message', async () => {
    const manager: Identity = {
      kind: 'manager',
      channel: 'kf',
      externalId: 'wm-1',
      managerCode: 'M001',
      managerName: 'M001',
      role: 'account',
    };
    let bound = true;
    let reads = 0;
    const dir: IdentityDirectory = {
      async resolve(channel, externalId) {
        reads++;
        return bound ? manager : { kind: 'unbound', channel, externalId };
      },
      async resolveAll(accounts) {
        reads++;
        return accounts.map((a) =>
          bound ? manager : { kind: 'unbound', channel: a.channel, externalId: a.externalId },
        );
      },
    };
    const cache = new IdentityCache(10_000, () => 0);
    expect((await cache.resolve(dir, 'kf', 'wm-1')).kind).toBe('manager');
    bound = false;
    expect((await cache.resolve(dir, 'kf', 'wm-1')).kind).toBe('unbound');
    expect(reads).toBe(2);
  });
});
