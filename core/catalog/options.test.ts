import { describe, expect, it } from 'vitest';
import {
  checkConfig,
  configuredUnitPriceFen,
  formatOptionsSpec,
  missingOptions,
  ofSize,
  parseOptionsSpec,
  sizePositive,
} from './options.js';
import type { ProductOptions } from './options.js';

const SPEC =
  'w=600-2400;h=600-2400;glass=double:0|triple:90|lowe:120;open=inward|outward;color=深灰:0|香槟:40;m2=980;min=1.0';
const N60 = parseOptionsSpec(SPEC) as ProductOptions;

describe('made-to-size options', () => {
  it('parses and formats the catalog spec (round trip)', () => {
    expect(N60).toMatchObject({ widthMm: { min: 600, max: 2400 }, pricePerM2Fen: 98_000, minAreaMm2: 1_000_000 });
    expect(N60.glass).toEqual([
      { kind: 'double', surchargeFenPerM2: 0 },
      { kind: 'triple', surchargeFenPerM2: 9_000 },
      { kind: 'lowe', surchargeFenPerM2: 12_000 },
    ]);
    expect(parseOptionsSpec(formatOptionsSpec(N60))).toEqual(N60);
    expect(parseOptionsSpec('')).toBeNull();
    expect(parseOptionsSpec('w=2400-600;h=600-2400;open=inward;m2=1')).toHaveProperty('error');
    expect(parseOptionsSpec('w=600-2400;h=600-2400;glass=vacuum:0;open=inward;m2=1')).toHaveProperty('error');
  });

  it('asks for what is missing, checks ranges and offered options, fills defaults', () => {
    expect(missingOptions(N60, { widthMm: 1500 })).toEqual(['height', 'glass', 'opening']);
    expect(checkConfig(N60, { widthMm: 3000, heightMm: 1800, glass: 'double', opening: 'inward' })).toEqual({
      ok: false,
      reason: 'width_range',
      value: 3000,
      min: 600,
      max: 2400,
    });
    expect(checkConfig(N60, { widthMm: 1500, heightMm: 1800, glass: 'single', opening: 'inward' })).toMatchObject({
      ok: false,
      reason: 'glass',
      offered: ['double', 'triple', 'lowe'],
    });
    expect(
      checkConfig(N60, { widthMm: 1500, heightMm: 1800, glass: 'double', opening: 'inward', color: '香槟色' }),
    ).toEqual({
      ok: true,
      config: { widthMm: 1500, heightMm: 1800, glass: 'double', opening: 'inward', color: '香槟' },
    });
    expect(
      checkConfig(N60, { widthMm: 1500, heightMm: 1800, glass: 'double', opening: 'inward', color: '红色' }),
    ).toMatchObject({ ok: false, reason: 'color' });
    // A colour named in part is the one offered colour it names: 灰 is 深灰, 香槟金 is 香槟; 浅灰 is none.
    const said = (color: string) =>
      checkConfig(N60, { widthMm: 1500, heightMm: 1800, glass: 'double', opening: 'inward', color });
    expect(said('灰色')).toMatchObject({ ok: true, config: { color: '深灰' } });
    expect(said('香槟金')).toMatchObject({ ok: true, config: { color: '香槟' } });
    expect(said('浅灰')).toMatchObject({ ok: false, reason: 'color' });
  });

  it('prices by area with the minimum billable area, surcharges at list, half-up once', () => {
    const cfg = { widthMm: 1500, heightMm: 1800, glass: 'triple' as const, opening: 'inward' as const, color: '香槟' };
    // regular: (980 + 90 + 40) × 2.70 = ¥2,997.00
    expect(configuredUnitPriceFen(N60, cfg, 'regular')).toBe(299_700);
    // core: 980 × 95% = 931; (931 + 130) × 2.70 = ¥2,864.70
    expect(configuredUnitPriceFen(N60, cfg, 'core')).toBe(286_470);
    // 600 × 800 = 0.48 m² is billed as 1.00 m²
    expect(configuredUnitPriceFen(N60, { widthMm: 600, heightMm: 800, glass: 'double' }, 'regular')).toBe(98_000);
    // 1234 × 1111 = 1.370974 m² × ¥980 = ¥1,343.554… → ¥1,343.55
    expect(configuredUnitPriceFen(N60, { widthMm: 1234, heightMm: 1111, glass: 'double' }, 'regular')).toBe(134_355);
  });
});

describe('a size change of a made-to-size line', () => {
  const line = { widthMm: 1500, heightMm: 1800, glass: 'double' as const, opening: 'inward' as const, color: '深灰' };

  it('keeps the options and re-prices by the new area, never below the minimum billable area', () => {
    const smaller = checkConfig(N60, { ...line, widthMm: 1500, heightMm: 1500 });
    expect(smaller).toEqual({ ok: true, config: { ...line, heightMm: 1500 } });
    // regular tier 980 元/㎡ list: 2.25 ㎡ and 2.70 ㎡.
    const price = (c: typeof line) => configuredUnitPriceFen(N60, c, 'regular');
    expect(price({ ...line, heightMm: 1500 }) * 270).toBe(price(line) * 225);
    // 600×600 is 0.36 ㎡, billed as the 1 ㎡ minimum, like 1000×1000.
    expect(price({ ...line, widthMm: 600, heightMm: 600 })).toBe(price({ ...line, widthMm: 1000, heightMm: 1000 }));
  });

  it('an out-of-range side gets the allowed range', () => {
    expect(checkConfig(N60, { ...line, widthMm: 3000 })).toEqual({
      ok: false,
      reason: 'width_range',
      value: 3000,
      min: 600,
      max: 2400,
    });
  });

  it('a side of zero or below is no size; a line is picked by its width and height', () => {
    expect(sizePositive({ widthMm: 1500 })).toBe(true);
    expect(sizePositive({ widthMm: 0, heightMm: 1500 })).toBe(false);
    expect(sizePositive({ heightMm: -10 })).toBe(false);
    expect(ofSize(line, { widthMm: 1500, heightMm: 1800 })).toBe(true);
    expect(ofSize(line, { widthMm: 1800, heightMm: 1500 })).toBe(false);
    expect(ofSize(undefined, { widthMm: 1500, heightMm: 1800 })).toBe(false);
  });
});
