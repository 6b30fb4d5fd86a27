import { describe, expect, it } from 'vitest';
import { renderForRoute } from './render.js';

describe('renderForRoute', () => {
  it('turns 【titles】 into bold markdown for WeCom app messages', () => {
    expect(renderForRoute('wecom_app', '【订单草稿】\n· N60 30套')).toEqual({
      body: '**【订单草稿】**\n· N60 30套',
      format: 'markdown',
    });
  });
  it('keeps plain text for KF and the sandbox, and strips markdown for KF', () => {
    expect(renderForRoute('sandbox', '【订单草稿】')).toEqual({ body: '【订单草稿】', format: 'text' });
    expect(renderForRoute('kf', '**需求 N12**\n> 已认领', 'markdown')).toEqual({
      body: '需求 N12\n已认领',
      format: 'text',
    });
  });
});
