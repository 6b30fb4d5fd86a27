import { generateDemoData } from '../k-demo.js';
const t = Date.now();
const scale = Number(process.argv[2] ?? 1);
const d = generateDemoData({ scale, now: new Date('2026-11-26T10:00:00+08:00') });
console.log('gen ms', Date.now() - t);
for (const tb of d.tables) console.log(tb.table, tb.length);
console.log('amount yuan', d.orderAmountFen / 100);
const f = d.facts;
console.log(Object.fromEntries(Object.entries(f).map(([k, v]) => [k, Array.isArray(v) ? v.length : v])));
console.log(
  JSON.stringify(
    {
      ...f,
      coreDealers: f.coreDealers.slice(0, 10),
      windowSpecialists: f.windowSpecialists.slice(0, 10),
      cabinetSpecialists: f.cabinetSpecialists.slice(0, 10),
      engineeringDealers: f.engineeringDealers.slice(0, 10),
      townshipDealers: f.townshipDealers.slice(0, 10),
      growthDealers: f.growthDealers.slice(0, 10),
      silentDealers: f.silentDealers.slice(0, 10),
    },
    null,
    0,
  ),
);
