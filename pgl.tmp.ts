import { PGlite } from '@electric-sql/pglite';
const t=Date.now(); const p = await PGlite.create(); await p.query('select 1'); console.log('mem start', Date.now()-t);
const t2=Date.now(); const d = await p.dumpDataDir('none'); console.log('dump', Date.now()-t2, d.size);
const t3=Date.now(); const q = await PGlite.create({loadDataDir: d}); await q.query('select 1'); console.log('load', Date.now()-t3);
