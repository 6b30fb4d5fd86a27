import { describe, expect, it } from 'vitest';
import { TouchedDealerSet } from './touched.js';

describe('TouchedDealerSet: whose derived answers an import changed', () => {
  it('collects the dealer of each written record, and the dealer itself for the dealers entity', () => {
    const pos = new TouchedDealerSet('pos');
    pos.add([{ dealerCode: 'D0001' }, { dealerCode: 'D0002' }, { dealerCode: 'D0001' }]);
    expect(pos.value).toEqual({ kind: 'some', codes: new Set(['D0001', 'D0002']) });
    const dealers = new TouchedDealerSet('dealers');
    dealers.add([{ code: 'D0007' }]);
    expect(dealers.value).toEqual({ kind: 'some', codes: new Set(['D0007']) });
  });

  it('products touch every dealer; managers, prices and HQ stock none; nothing written is empty', () => {
    const products = new TouchedDealerSet('products');
    expect(products.empty).toBe(true);
    products.add([{ sku: 'KW-N60' }]);
    expect(products.value).toEqual({ kind: 'all' });
    for (const entity of ['managers', 'prices', 'hq-stock'] as const) {
      const set = new TouchedDealerSet(entity);
      set.add([{ code: 'M001', dealerCode: 'D0001' }]);
      expect(set.empty).toBe(true);
    }
    const stock = new TouchedDealerSet('dealer-stock');
    stock.add([]);
    expect(stock.empty).toBe(true);
  });
});
