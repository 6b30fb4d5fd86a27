import { describe, expect, it } from 'vitest';
import { baselineWindow, campaignProblems, isOpen, liftPct, matchCampaigns, targets } from './campaign.rules.js';
import type { CampaignDealer, NewCampaign } from './campaigns.types.js';

const dealer = (over: Partial<CampaignDealer> = {}): CampaignDealer => ({
  code: 'D1',
  name: '一号门窗',
  tier: 'key',
  tags: ['门窗专长'],
  province: '浙江',
  managerCode: 'M1',
  ...over,
});

describe('campaign rules', () => {
  it('targets by every non-empty list: provinces, tiers and tags', () => {
    const all = { provinces: [], tiers: [], tags: [] };
    expect(targets(all, dealer())).toBe(true);
    expect(targets({ ...all, provinces: ['江苏'] }, dealer())).toBe(false);
    expect(targets({ ...all, tiers: ['core'] }, dealer())).toBe(false);
    expect(targets({ ...all, tiers: ['core', 'key'] }, dealer())).toBe(true);
    expect(targets({ ...all, tags: ['橱柜专长'] }, dealer())).toBe(false);
    expect(targets({ provinces: ['浙江'], tiers: ['key'], tags: ['橱柜专长', '门窗专长'] }, dealer())).toBe(true);
  });

  it('the baseline is the window of the same length just before; open until the last day', () => {
    expect(baselineWindow({ startsOn: '2026-10-01', endsOn: '2026-10-31' })).toEqual({
      from: '2026-08-31',
      to: '2026-09-30',
    });
    expect(baselineWindow({ startsOn: '2026-12-01', endsOn: '2026-12-01' })).toEqual({
      from: '2026-11-30',
      to: '2026-11-30',
    });
    expect(isOpen({ endsOn: '2026-11-26' }, '2026-11-26')).toBe(true);
    expect(isOpen({ endsOn: '2026-11-25' }, '2026-11-26')).toBe(false);
  });

  it('lift in percent with one decimal, none without a baseline', () => {
    expect(liftPct({ baselineFen: 800_000, campaignFen: 1_200_000 })).toBe(50);
    expect(liftPct({ baselineFen: 300, campaignFen: 200 })).toBe(-33.3);
    expect(liftPct({ baselineFen: 0, campaignFen: 100 })).toBeNull();
  });

  it('matches a campaign by its name, a part of it, or most shared characters', () => {
    const list = [{ name: '新品体验节' }, { name: '浙江区域促销' }, { name: '橱柜焕新季' }];
    expect(matchCampaigns('新品体验节活动', list)).toEqual([{ name: '新品体验节' }]);
    expect(matchCampaigns('体验节', list)).toEqual([{ name: '新品体验节' }]);
    expect(matchCampaigns('区域促销', list)).toEqual([{ name: '浙江区域促销' }]);
    expect(matchCampaigns('橱柜换新', list)).toEqual([{ name: '橱柜焕新季' }]);
    expect(matchCampaigns('年货节', list)).toEqual([]);
    expect(matchCampaigns(undefined, list)).toHaveLength(3);
  });

  it('names every problem of a new campaign', () => {
    const ok: NewCampaign = {
      name: '新品体验节',
      description: '',
      provinces: [],
      tags: [],
      tiers: ['core'],
      startsOn: '2026-12-01',
      endsOn: '2026-12-31',
      subsidyFen: 0,
      seats: 10,
    };
    expect(campaignProblems(ok)).toEqual([]);
    expect(
      campaignProblems({ ...ok, name: 'x', endsOn: '2026-11-01', seats: 0, subsidyFen: -1, tiers: ['gold' as 'core'] }),
    ).toEqual([
      'name: 2 to 40 characters',
      'endsOn: before startsOn',
      'seats: a positive integer',
      'subsidyFen: a non-negative integer',
      'tiers: unknown tier gold',
    ]);
  });
});
