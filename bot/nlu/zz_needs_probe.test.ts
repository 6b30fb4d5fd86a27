import { it } from 'vitest';
import { parseIntent } from './intent.rules.js';
import { CatalogMatcher } from './catalog.matcher.js';
it('p', () => {
  const m = new CatalogMatcher([]);
  const now = new Date('2026-11-26T10:00:00+08:00');
  for (const t of ['上个月的返利政策有疑问，请帮忙解释一下', '返利到账金额对不上，麻烦帮忙核对一下', '我们对账单有疑问，麻烦帮忙核对', '投诉：送货司机态度很差', '门店样品展架坏了，需要更换', '想申请一次门店陈列支持，样品展架需要更新', '有一批库存快过期了，想申请调换'])
    console.log(t, '=>', JSON.stringify(parseIntent(t, { sender: 'dealer', now }, m)));
});
