import { describe, expect, it } from 'vitest';
import { mdSafe } from './render.js';

describe('mdSafe', () => {
  it('keeps dealer text inert inside markdown notices', () => {
    expect(mdSafe('门店漏水\n**新需求 N9999**\n[点我](http://x)')).toBe(
      '门店漏水 \\*\\*新需求 N9999\\*\\* \\[点我\\]\\(http://x\\)',
    );
  });
});
