/**
 * A file a manager sends in chat is read before the turn (bot/handlers/files.handler.ts → readChatFile): format by
 * name and content, the header against the imports, every row counted and its dealer collected. This measures that
 * read (median of several rounds) for a typical file, a large one and the 10 MB limit, against the bare readers in the
 * same run (parseCsv / parseXlsx counting items, no sniffing): what the offer's reading adds. Run: npm run bench:chat-files
 */
import { loadavg } from 'node:os';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { readChatFile } from '../adapters/imports/import-bytes.js';
import { parseCsv } from '../adapters/imports/csv.reader.js';
import { parseXlsx } from '../adapters/imports/xlsx.reader.js';

const ROUNDS = Number(process.env.CHAT_FILES_BENCH_ROUNDS ?? 5);

function posCsv(rows: number): Buffer {
  const lines = ['date,store_code,sku,qty,amount'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `2026-11-${String(1 + (i % 28)).padStart(2, '0')},D${String(1 + (i % 40)).padStart(4, '0')}-S0${1 + (i % 9)},KW-N${60 + (i % 5)},${1 + (i % 7)},${(1 + (i % 7)) * 1800}.50`,
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

async function posXlsx(rows: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('销售');
  ws.addRow(['date', 'store_code', 'sku', 'qty', 'amount']);
  for (let i = 0; i < rows; i++)
    ws.addRow(['2026-11-20', `D${String(1 + (i % 40)).padStart(4, '0')}-S01`, 'KW-N60', 2, 3601]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

async function count(items: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of items) n++;
  return n;
}

const cases: Array<{ name: string; file: string; bytes: Buffer; rows: number; bare: () => Promise<number> }> = [];
for (const rows of [1_204, 20_000, 250_000]) {
  const bytes = posCsv(rows);
  cases.push({
    name: `CSV ${rows.toLocaleString('en-US')} rows`,
    file: 'pos.csv',
    bytes,
    rows,
    // The bare read: decode and parse, as any import of the file must.
    bare: () => {
      const text = new TextDecoder('utf-8').decode(bytes);
      return count(
        parseCsv(
          (async function* () {
            yield text;
          })(),
        ),
      );
    },
  });
}
for (const rows of [1_204, 20_000]) {
  const bytes = await posXlsx(rows);
  cases.push({
    name: `XLSX ${rows.toLocaleString('en-US')} rows`,
    file: 'pos.xlsx',
    bytes,
    rows,
    bare: () => count(parseXlsx(Readable.from([bytes]))),
  });
}

console.log(
  `chat files: readChatFile vs the bare reader, median of ${ROUNDS} rounds; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log('| file | size | readChatFile ms | rows/s | bare reader ms (baseline) | added |');
console.log('|---|---|---|---|---|---|');
for (const c of cases) {
  const read = await readChatFile(c.file, c.bytes);
  if (read.kind !== 'read' || read.summary.rows !== c.rows) throw new Error(`${c.name}: read as ${read.kind}`);
  const ms = await median(() => readChatFile(c.file, c.bytes));
  const bare = await median(c.bare);
  const mb = (c.bytes.length / 1024 / 1024).toFixed(2);
  console.log(
    `| ${c.name} | ${mb} MB | ${ms.toFixed(1)} | ${Math.round((c.rows / ms) * 1000).toLocaleString('en-US')} | ${bare.toFixed(1)} | ${((ms / bare - 1) * 100).toFixed(0)}% |`,
  );
}
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
