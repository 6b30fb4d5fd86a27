import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { importFile, UnreadableImportFile } from '../../adapters/imports/import-file.js';
import { type ImportFile, type TextEncodingName, UnsupportedImportFile } from '../../adapters/imports/index.js';
import { ImportService } from '../../core/imports/import.service.js';
import type { ImportStore } from '../../core/imports/ports.js';
import { importSummary } from '../../core/imports/summary.js';
import { IMPORT_ENTITIES, type ImportMode, type ImportResult, isImportEntity } from '../../core/imports/types.js';
import { importProblemText } from '../replies/imports.replies.js';
import type { CliCommand, CliIo } from './command.types.js';

const USAGE =
  'import ENTITY FILE [--dry-run] [--partial] [--encoding utf-8|gbk] [--who NAME] | import runs [--limit N] | import errors RUN\n' +
  `      ENTITY: ${IMPORT_ENTITIES.join(', ')}; FILE: .csv (UTF-8 or GBK), .xlsx, .ndjson`;

/** The contract's last stdout line (DESIGN.md "Imports"): exactly these keys. */
export function summaryLine(r: ImportResult): string {
  return JSON.stringify(importSummary(r));
}

export interface ImportCommandDeps {
  store: ImportStore;
  /** The composed import service (its commits recompute the touched dealers); a bare one on `store` otherwise. */
  importer?: ImportService;
  io: CliIo;
  /** The terminal to draw a progress bar on (stderr when it is one); none when piped. */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  now?: () => Date;
}

type Parsed =
  | { kind: 'runs'; limit: number }
  | { kind: 'errors'; run: number }
  | {
      kind: 'import';
      entity: (typeof IMPORT_ENTITIES)[number];
      path: string;
      mode: ImportMode;
      encoding: TextEncodingName | 'auto';
      who: string;
    }
  | { kind: 'usage'; message: string };

function parse(args: string[]): Parsed {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    return { kind: 'usage', message: (e as Error).message };
  }
  const { values, positionals } = parsed;
  const [first, path, ...extra] = positionals;
  if (first === 'runs' && path === undefined) {
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) return { kind: 'usage', message: '--limit must be a positive integer' };
    return { kind: 'runs', limit };
  }
  if (first === 'errors' && path !== undefined && /^\d+$/.test(path) && extra.length === 0) {
    return { kind: 'errors', run: Number(path) };
  }
  if (first === undefined || path === undefined || extra.length > 0)
    return { kind: 'usage', message: 'ENTITY and FILE are required' };
  if (!isImportEntity(first)) return { kind: 'usage', message: `unknown entity ${first}` };
  if (values['dry-run'] && values.partial)
    return { kind: 'usage', message: '--dry-run and --partial exclude each other' };
  const encoding = values.encoding ?? 'auto';
  if (encoding !== 'auto' && encoding !== 'utf-8' && encoding !== 'gbk') {
    return { kind: 'usage', message: '--encoding must be utf-8 or gbk' };
  }
  return {
    kind: 'import',
    entity: first,
    path,
    mode: values['dry-run'] ? 'dry_run' : values.partial ? 'partial' : 'all',
    encoding,
    who: values.who ?? `cli:${userInfo().username}`,
  };
}

const OPTIONS = {
  'dry-run': { type: 'boolean' },
  partial: { type: 'boolean' },
  encoding: { type: 'string' },
  who: { type: 'string' },
  limit: { type: 'string' },
} as const;

function usage(message: string, io: CliIo): number {
  io.err(`${message}\nusage: npm run cli -- ${USAGE}`);
  return 2;
}

/**
 * `import ENTITY FILE …` and `import runs` against an ImportStore (tests hand in one on PGlite).
 * Exit codes: 0 applied (or a clean dry run), 1 rejected / errors in a dry run, 2 bad usage.
 */
export async function runImportCommand(args: string[], deps: ImportCommandDeps): Promise<number> {
  const { io } = deps;
  const p = parse(args);
  if (p.kind === 'usage') return usage(p.message, io);
  if (p.kind === 'errors') {
    const errors = await deps.store.runErrors(p.run);
    if (errors === null) {
      io.err(`no import run #${p.run}`);
      return 1;
    }
    for (const e of errors) io.out(JSON.stringify(e));
    return 0;
  }
  if (p.kind === 'runs') {
    const runs = await deps.store.listRuns(p.limit);
    for (const r of runs) {
      const c = r.counts;
      io.out(
        [
          `#${r.id}`,
          r.startedAt.toISOString(),
          r.entity,
          r.status,
          `rows=${c.rows ?? 0} +${c.inserted ?? 0} ~${c.updated ?? 0} =${c.unchanged ?? 0}`,
          `errors=${r.errorCount}`,
          r.source,
          r.who,
          r.sha256.slice(0, 12),
        ].join('  '),
      );
    }
    if (runs.length === 0) io.err('no import runs yet');
    return 0;
  }
  const bar = deps.progress
    ? new cliProgress.SingleBar(
        { format: `import ${p.entity} | {value} rows | {duration}s`, stream: deps.progress, fps: 5 },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let file: ImportFile;
  let result: ImportResult;
  try {
    bar?.start(0, 0);
    ({ file, result } = await importFile(deps.importer ?? new ImportService(deps.store, importProblemText, deps.now), {
      entity: p.entity,
      path: p.path,
      mode: p.mode,
      encoding: p.encoding,
      who: p.who,
      onProgress: bar ? (rows) => bar.update(rows) : undefined,
    }));
  } catch (e) {
    // A file that cannot be opened (missing, unsupported type) is bad usage; anything else is a failure.
    if (e instanceof UnsupportedImportFile || e instanceof UnreadableImportFile) {
      io.err((e as Error).message);
      return 2;
    }
    throw e;
  } finally {
    bar?.stop();
  }
  io.err(
    `${basename(p.path)} (${file.format}${file.format === 'xlsx' ? '' : `, ${file.encoding}`}): run #${result.runId} ` +
      `${result.status}; ${result.rows} rows, ${result.inserted} inserted, ${result.updated} updated, ` +
      `${result.unchanged} unchanged (${result.older} older than stored), ${result.removed} removed, ` +
      `${result.errorCount} errors${result.errorCount > result.errors.length ? ` (first ${result.errors.length} listed)` : ''}`,
  );
  if (result.afterCommit === 'failed')
    io.err('imported, but recomputing the touched dealers failed: the daily anomaly job will catch up');
  io.out(summaryLine(result));
  if (result.status === 'applied' || result.status === 'partial') return 0;
  if (result.status === 'dry_run') return result.errorCount === 0 ? 0 : 1;
  return 1;
}

export const importCommand: CliCommand = {
  name: 'import',
  usage: USAGE,
  async run(args, _config, io, host) {
    // Bad usage is answered before the database is opened.
    const p = parse(args);
    if (p.kind === 'usage') return usage(p.message, io);
    return host.withServices(({ imports, importer }) =>
      runImportCommand(args, {
        store: imports,
        importer,
        io,
        progress: process.stderr.isTTY ? process.stderr : undefined,
      }),
    );
  },
};
