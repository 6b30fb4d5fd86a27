/**
 * The mini-program's reply windows on the real database: a message allows 5 replies within 48 h, entering the
 * session 2 within a minute; a new action widens the window (larger quota, later deadline), never adds up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMpWindow } from '../../bot/pipeline/transports.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { KyselyMpSessionStore } from '../../db/repositories/mp-session.repository.js';
import { openTestDatabase } from '../helpers/db.js';

const t0 = new Date('2026-11-30T02:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const HOUR = 3600_000;

describe('mini-program reply windows', () => {
  let database: DatabaseHandle;
  let mp: KyselyMpSessionStore;

  beforeAll(async () => {
    database = await openTestDatabase();
    mp = new KyselyMpSessionStore(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  const take = async (openid: string, when: Date, n: number) => {
    const got: boolean[] = [];
    for (let i = 0; i < n; i++) got.push(await mp.takeSlot(openid, when));
    return got;
  };

  it('allows 5 replies after a message, for 48 hours', async () => {
    await openMpWindow(mp, 'o-msg', 'message', t0);
    expect(await take('o-msg', at(HOUR), 6)).toEqual([true, true, true, true, true, false]);
    await openMpWindow(mp, 'o-late', 'message', t0);
    expect(await mp.takeSlot('o-late', at(48 * HOUR - 1000))).toBe(true);
    expect(await mp.takeSlot('o-late', at(48 * HOUR + 1000))).toBe(false);
  });

  it('allows 2 replies within a minute of entering, and a message after widens it to 5 for 48 h', async () => {
    await openMpWindow(mp, 'o-enter', 'enter', t0);
    expect(await mp.takeSlot('o-enter', at(61_000))).toBe(false);
    expect(await take('o-enter', at(30_000), 3)).toEqual([true, true, false]);
    await openMpWindow(mp, 'o-enter', 'message', at(40_000));
    expect(await take('o-enter', at(HOUR), 6)).toEqual([true, true, true, true, true, false]);
  });

  it('does not add windows up: entering inside an open message window keeps its quota and deadline', async () => {
    await openMpWindow(mp, 'o-both', 'message', t0);
    expect(await take('o-both', at(1000), 4)).toEqual([true, true, true, true]);
    await openMpWindow(mp, 'o-both', 'enter', at(2000));
    // One left from the message window, raised to the enter quota of 2 — not 1 + 2.
    expect(await take('o-both', at(3000), 3)).toEqual([true, true, false]);
  });

  it('gives back a reply that did not happen, and closes a window WeChat says is closed', async () => {
    await openMpWindow(mp, 'o-back', 'message', t0);
    expect(await take('o-back', at(1000), 5)).toEqual([true, true, true, true, true]);
    await mp.releaseSlot('o-back');
    expect(await mp.takeSlot('o-back', at(2000))).toBe(true);
    await openMpWindow(mp, 'o-closed', 'message', t0);
    await mp.close('o-closed');
    expect(await mp.takeSlot('o-closed', at(1000))).toBe(false);
  });
});
