import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { OfferFile } from '../../core/imports/offer.service.js';
import { type FileSummary, summarizeFile } from '../../core/imports/offers.js';
import type { SourceItem } from '../../core/imports/types.js';
import { parseCsv } from './csv.reader.js';
import { parseXlsx } from './xlsx.reader.js';

/** An XLSX file is a zip: it starts with a local file header. */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** The old binary Excel format (OLE2 compound file): not an import, but worth naming. */
const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** What a file sent in chat turned out to be. */
export type ChatFileRead =
  /** Neither CSV nor XLSX by name or content; `xls`: the old Excel format (save as XLSX or CSV). */
  | { kind: 'not_import'; xls: boolean }
  /** Named CSV/XLSX but its content is not (a broken workbook, a binary "CSV"). */
  | { kind: 'unreadable'; format: 'csv' | 'xlsx' }
  /** Readable, but its header is none of the imports. */
  | { kind: 'unknown_kind'; format: 'csv' | 'xlsx' }
  | { kind: 'read'; file: OfferFile; summary: FileSummary };

function extensionOf(name: string | null): string | null {
  const m = name ? /\.([A-Za-z0-9]{1,8})$/.exec(name.trim()) : null;
  return m ? m[1]!.toLowerCase() : null;
}

/** A file's text encoding: valid UTF-8 (with or without BOM), else GBK — as for imported files. */
function encodingOf(bytes: Uint8Array): 'utf-8' | 'gbk' {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'utf-8';
  } catch {
    return 'gbk';
  }
}

/** The header and rows of a stored import file (CSV in its encoding, or XLSX). */
export function itemsOfFile(file: Pick<OfferFile, 'format' | 'encoding' | 'bytes'>): AsyncIterable<SourceItem> {
  if (file.format === 'xlsx') return parseXlsx(Readable.from([Buffer.from(file.bytes)]));
  const text = new TextDecoder(file.encoding).decode(file.bytes);
  return parseCsv(
    (async function* () {
      yield text;
    })(),
  );
}

/**
 * Reads a file a manager sent: CSV or XLSX by its name AND its content (a zip for XLSX, text for CSV), then its header
 * against the imports and every row (count, dealers). A file without a name is judged by its content alone.
 *
 * @example
 * await readChatFile('11月门店销售.csv', bytes)
 * // { kind: 'read', file: { format: 'csv', encoding: 'gbk', … }, summary: { entity: 'pos', rows: 1204, … } }
 */
export async function readChatFile(name: string | null, bytes: Buffer): Promise<ChatFileRead> {
  const ext = extensionOf(name);
  const zip = bytes.subarray(0, 4).equals(ZIP_MAGIC);
  const ole2 = bytes.subarray(0, 8).equals(OLE2_MAGIC);
  const binary = bytes.subarray(0, 8192).includes(0);
  let format: 'csv' | 'xlsx';
  if (ext === 'xlsx') format = 'xlsx';
  else if (ext === 'csv' || ext === 'txt') format = 'csv';
  else if (ext === null && zip) format = 'xlsx';
  else if (ext === null && !binary) format = 'csv';
  else return { kind: 'not_import', xls: ext === 'xls' || ole2 };
  if (format === 'xlsx' ? !zip : binary) return { kind: 'unreadable', format };

  const encoding = format === 'csv' ? encodingOf(bytes) : 'utf-8';
  let summary: FileSummary | null;
  try {
    summary = await summarizeFile(itemsOfFile({ format, encoding, bytes }));
  } catch {
    return { kind: 'unreadable', format };
  }
  if (!summary) return { kind: 'unknown_kind', format };
  const file: OfferFile = {
    name: name?.trim() || `file.${format}`,
    format,
    encoding,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes,
  };
  return { kind: 'read', file, summary };
}
