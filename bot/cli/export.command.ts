import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeCsvFile } from '../../adapters/imports/csv.writer.js';
import { ExportService } from '../../core/imports/export.js';
import type { ExportSource } from '../../core/imports/ports.js';
import { IMPORT_ENTITIES, type ImportEntity, isImportEntity } from '../../core/imports/types.js';
import type { CliCommand, CliIo } from './command.types.js';

const USAGE =
  'export ENTITY FILE.csv | export all DIR   writes stored data in the import format (imports back: DIR/<entity>.csv, ' +
  'in import order)';

type Parsed =
  | { kind: 'one'; entity: ImportEntity; path: string }
  | { kind: 'all'; dir: string }
  | { kind: 'usage'; message: string };

function parse(args: string[]): Parsed {
  const [first, target, ...extra] = args;
  if (first === undefined || target === undefined || extra.length > 0)
    return { kind: 'usage', message: 'ENTITY and FILE (or all and DIR) are required' };
  if (first === 'all') {
    if (existsSync(target) && !statSync(target).isDirectory()) return { kind: 'usage', message: `${target} is a file` };
    return { kind: 'all', dir: target };
  }
  if (!isImportEntity(first)) return { kind: 'usage', message: `unknown entity ${first}` };
  if (!target.toLowerCase().endsWith('.csv')) return { kind: 'usage', message: 'FILE must be a .csv file' };
  return { kind: 'one', entity: first, path: target };
}

/**
 * `export ENTITY FILE` / `export all DIR`: one stdout line per file, `{"entity","rows","file"}`.
 * Exit codes: 0 written, 2 bad usage.
 */
function usage(message: string, io: CliIo): number {
  io.err(`${message}\nusage: npm run cli -- ${USAGE}`);
  return 2;
}

export async function runExportCommand(args: string[], deps: { source: ExportSource; io: CliIo }): Promise<number> {
  const p = parse(args);
  if (p.kind === 'usage') return usage(p.message, deps.io);
  const service = new ExportService(deps.source);
  const files: [ImportEntity, string][] =
    p.kind === 'one' ? [[p.entity, p.path]] : IMPORT_ENTITIES.map((e) => [e, join(p.dir, `${e}.csv`)]);
  if (p.kind === 'all') mkdirSync(p.dir, { recursive: true });
  for (const [entity, file] of files) {
    const { columns, rows } = await service.table(entity);
    const n = await writeCsvFile(file, columns, rows);
    deps.io.out(JSON.stringify({ entity, rows: n, file }));
  }
  return 0;
}

export const exportCommand: CliCommand = {
  name: 'export',
  usage: USAGE,
  async run(args, _config, io, host) {
    // Bad usage is answered before the database is opened.
    const p = parse(args);
    if (p.kind === 'usage') return usage(p.message, io);
    return host.withServices(({ exports }) => runExportCommand(args, { source: exports, io }));
  },
};
