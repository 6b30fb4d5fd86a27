import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const NEEDS_QUOTES = /[",\r\n]/;

/** One RFC 4180 record: a cell with a comma, quote or line break is quoted, its quotes doubled. */
export function csvLine(cells: readonly string[]): string {
  return cells.map((c) => (NEEDS_QUOTES.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');
}

/**
 * Writes a UTF-8 CSV file (LF line ends, no BOM: the fixed headers stay byte-exact) from a stream of rows,
 * waiting on the disk when it falls behind, so memory does not grow with the file. Returns the rows written.
 */
export async function writeCsvFile(
  path: string,
  columns: readonly string[],
  rows: AsyncIterable<readonly string[]>,
): Promise<number> {
  const out = createWriteStream(path);
  const failed = once(out, 'error').then(([e]) => {
    throw e;
  });
  void failed.catch(() => undefined); // raced below; never an unhandled rejection
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await Promise.race([once(out, 'drain'), failed]);
  };
  let n = 0;
  try {
    await write(csvLine(columns));
    for await (const row of rows) {
      await write(csvLine(row));
      n++;
    }
  } finally {
    out.end();
  }
  await Promise.race([once(out, 'finish'), failed]);
  return n;
}
