import { describe, expect, it } from 'vitest';
import { dealerOfRow, entityForHeader } from './offers.js';

describe('entityForHeader', () => {
  it('names the import whose required columns are all there and that knows the most columns', () => {
    expect(entityForHeader(['date', 'store_code', 'sku', 'qty', 'amount'])).toBe('pos');
    expect(entityForHeader(['date', 'dealer_code', 'sku', 'qty', 'expires_on'])).toBe('dealer-stock');
    expect(entityForHeader(['sku', 'on_hand'])).toBe('hq-stock');
    expect(entityForHeader(['sku', 'tier', 'price'])).toBe('prices');
    expect(entityForHeader(['dealer_code', 'name', 'phone', 'birthday'])).toBe('contacts');
    expect(entityForHeader(['code', 'name', 'role'])).toBe('managers');
    expect(entityForHeader(['code', 'name', 'type', 'province', 'city', 'county', 'market_level', 'opened_on'])).toBe(
      'stores',
    );
  });

  it('is null when a required column is missing or the header is none of them', () => {
    expect(entityForHeader(['date', 'store_code', 'sku', 'qty'])).toBeNull();
    expect(entityForHeader(['门店', '销量'])).toBeNull();
    expect(entityForHeader([])).toBeNull();
  });
});

describe('dealerOfRow', () => {
  it('reads the dealer of a row: dealer_code, or the dealer part of a store code', () => {
    expect(dealerOfRow('pos', { store_code: 'd0012-S03' })).toBe('D0012');
    expect(dealerOfRow('stores', { code: 'D0012-S101' })).toBe('D0012');
    expect(dealerOfRow('dealer-stock', { dealer_code: ' D0007 ' })).toBe('D0007');
    expect(dealerOfRow('pos', { store_code: 'S03' })).toBeNull();
    expect(dealerOfRow('contacts', { dealer_code: '' })).toBeNull();
  });
});
