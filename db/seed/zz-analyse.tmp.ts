import { generateDemoData } from './k-demo.js';
const NOW = new Date('2026-11-26T10:00:00+08:00');
const scale = Number(process.argv[2] ?? 1);
const seed = process.argv[3] ? Number(process.argv[3]) : undefined;
const t = performance.now();
const g = generateDemoData({ scale, now: NOW, seed });
console.log('gen ms', Math.round(performance.now() - t));
const tab = (name: string) => g.tables.find((x) => x.table === name)!;
const col = (name: string, c: string) => {
  const t = tab(name);
  return t.data[t.columns.findIndex(([n]) => n === c)]!;
};
const dl = tab('dealers');
const codes = col('dealers', 'code') as string[];
const tiers = col('dealers', 'tier') as string[];
const tags = col('dealers', 'tags') as string[][];
const starts = col('dealers', 'partnership_start') as string[];
const oc = col('orders', 'dealer_code') as string[];
const os = col('orders', 'status') as string[];
const ot = col('orders', 'total_fen') as number[];
const op = col('orders', 'placed_at') as Date[];
const sh = (d: Date) => new Date(d.getTime() + 8 * 3600e3).toISOString().slice(0, 10);
const cur = new Map<string, number>(),
  prev = new Map<string, number>(),
  prevFull = new Map<string, number>();
let before = 0;
const first = new Map<string, string>();
for (let i = 0; i < oc.length; i++) {
  const day = sh(op[i]!);
  const di = codes.indexOf(oc[i]!);
  if (day < starts[di]!) before++;
  if (!first.has(oc[i]!) || day < first.get(oc[i]!)!) first.set(oc[i]!, day);
  if (os[i] === 'cancelled') continue;
  if (day >= '2026-01-01' && day <= '2026-11-26') cur.set(oc[i]!, (cur.get(oc[i]!) ?? 0) + ot[i]!);
  if (day >= '2025-01-01' && day <= '2025-11-26') prev.set(oc[i]!, (prev.get(oc[i]!) ?? 0) + ot[i]!);
  if (day >= '2025-01-01' && day <= '2025-12-31') prevFull.set(oc[i]!, (prevFull.get(oc[i]!) ?? 0) + ot[i]!);
}
console.log(
  'orders',
  oc.length,
  'before partnership',
  before,
  'last12 fen',
  g.orderAmountFen,
  '24m',
  g.orderAmount24mFen,
);
const yoy = (c: string) => (cur.get(c) ?? 0) / (prev.get(c) ?? 0) - 1;
const grow = codes.filter((c, i) => tags[i]!.includes('高成长'));
const others = codes.filter((c, i) => tiers[i] !== 'silent' && !tags[i]!.includes('高成长'));
console.log(
  'growth tagged',
  grow.length,
  grow.map((c) => `${c}:${tiers[codes.indexOf(c)]}:${yoy(c).toFixed(2)}`).join(' '),
);
console.log('min growth yoy', Math.min(...grow.map(yoy)).toFixed(3));
const oy = others.map(yoy).sort((a, b) => a - b);
const inRange = oy.filter((x) => x >= -0.3 && x <= 0.4).length;
const inRange2 = oy.filter((x) => x >= -0.2 && x <= 0.3).length;
console.log(
  'others',
  others.length,
  'in -30..+40',
  inRange,
  (inRange / others.length).toFixed(3),
  'in -20..+30',
  (inRange2 / others.length).toFixed(3),
  'min',
  oy[0]?.toFixed(2),
  'max',
  oy.at(-1)?.toFixed(2),
  'median',
  oy[Math.floor(oy.length / 2)]?.toFixed(3),
);
const sil = codes
  .filter((c, i) => tiers[i] === 'silent')
  .map(yoy)
  .sort((a, b) => a - b);
console.log('silent yoy median', sil[Math.floor(sil.length / 2)]?.toFixed(2));
console.log('qualifiers', JSON.stringify(g.facts.growthRewardQualifiers));
const ck = codes.filter((c, i) => tiers[i] === 'core' || tiers[i] === 'key');
console.log('core/key', ck.length, 'qualify', g.facts.growthRewardQualifiers.length);
// earlier year coverage
const noEarlier = codes.filter((c, i) => starts[i]! < '2025-09-27' && !(first.get(c)! <= '2025-11-26'));
console.log('dealers started before 2025-09-27 without earlier-year orders', noEarlier.length);
console.log(
  'facts growth',
  g.facts.growthDealers.length,
  'silent',
  g.facts.silentDealers.length,
  'overdue',
  g.facts.overdueDealers.length,
  'drop',
  g.facts.sellThroughDrop.length,
  'windows',
  g.facts.windowSpecialists.length,
  'cab',
  g.facts.cabinetSpecialists.length,
  'eng',
  g.facts.engineeringDealers.length,
);
