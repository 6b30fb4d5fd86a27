import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { importFile } from '../../adapters/imports/import-file.js';
import { formatOf, type ImportFormat } from '../../adapters/imports/index.js';
import { importSummary } from '../../core/imports/summary.js';
import { IMPORT_ENTITIES, type ImportMode, type ImportResult, isImportEntity } from '../../core/imports/types.js';
import type { ApiDeps } from './index.js';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const importQuery = z
  .object({
    dryRun: flag.default(false),
    partial: flag.default(false),
    encoding: z.enum(['auto', 'utf-8', 'gbk']).default('auto'),
  })
  .refine((q) => !(q.dryRun && q.partial), { message: 'dryRun and partial exclude each other' });
const entityParams = z.object({ entity: z.string() });
const runParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(20),
  before: z.coerce.number().int().positive().optional(),
});

/** Raw bodies streamed to disk as they are (no parsing, no bodyLimit): the format is the content type's. */
const RAW_TYPES: Record<string, ImportFormat> = { 'application/x-ndjson': 'ndjson', 'text/csv': 'csv' };
const EXTENSION: Record<ImportFormat, string> = { csv: '.csv', ndjson: '.ndjson', xlsx: '.xlsx' };
/** A multipart part without a usable file name: its declared type decides. */
const PART_TYPES: Record<string, ImportFormat> = {
  ...RAW_TYPES,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

/**
 * Streams `body` into a file at `path`, with backpressure. Past `max` bytes it stops writing and lets the rest of
 * the body drain unread — never destroying the request, so the 413 still reaches the client — and answers false.
 */
function spool(body: NodeJS.ReadableStream, path: string, max: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path);
    let seen = 0;
    const stop = (fits: boolean) => {
      body.removeListener('data', onData);
      body.removeListener('end', onEnd);
      body.removeListener('error', onError);
      if (!fits) body.resume();
      out.end(() => resolve(fits));
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > max) return stop(false);
      if (!out.write(chunk)) {
        body.pause();
        out.once('drain', () => body.resume());
      }
    };
    const onEnd = () => stop(true);
    const onError = (e: Error) => {
      out.destroy();
      reject(e);
    };
    out.on('error', onError);
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
  });
}

const mediaType = (header: string | undefined) => (header ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * HQ imports over HTTP, the same import as `npm run cli -- import` (adapters/imports importFile → ImportService):
 *
 * - `POST /api/imports/:entity[?dryRun=1|partial=1][&encoding=gbk]` with an `application/x-ndjson` (or `text/csv`)
 *   body, or `multipart/form-data` with one file part (.csv UTF-8/GBK, .xlsx, .ndjson). The upload is streamed to a
 *   temporary file (at most `maxBytes`, else 413; GBK detection and XLSX need the whole file), then streamed
 *   through the import; memory does not grow with the file. 200 applied / partial / clean dry run, 422 rejected
 *   (or a dry run with errors) with the report, 404 unknown entity, 415 other types, 413 too large.
 * - `GET /api/imports?limit=20&before=ID`: runs, newest first; `next` is the `before` of the next page.
 * - `GET /api/imports/:id/errors`: a run's kept errors (the first 1,000).
 */
export function importsRoutes(deps: ApiDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    const { store, importer, maxBytes } = deps.imports;
    await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 1 } });
    for (const type of Object.keys(RAW_TYPES)) app.addContentTypeParser(type, (_req, body, done) => done(null, body));

    app.post(
      '/api/imports/:entity',
      { schema: { params: entityParams, querystring: importQuery } },
      async (req, reply) => {
        const { entity } = req.params;
        if (!isImportEntity(entity)) {
          return reply
            .code(404)
            .send({ error: 'unknown_entity', message: `unknown entity ${entity}: ${IMPORT_ENTITIES.join(', ')}` });
        }
        const length = Number(req.headers['content-length'] ?? 0);
        if (length > maxBytes) return tooLarge(reply, maxBytes);
        const type = mediaType(req.headers['content-type']);
        const dir = await mkdtemp(join(tmpdir(), 'gs-import-'));
        try {
          let format: ImportFormat | null;
          let source: string;
          let body: NodeJS.ReadableStream;
          let truncated = () => false;
          if (type === 'multipart/form-data') {
            const part = await req.file();
            if (!part) return reply.code(400).send({ error: 'bad_request', message: 'a file part is required' });
            format = (part.filename && formatOf(part.filename)) || PART_TYPES[mediaType(part.mimetype)] || null;
            source = part.filename || 'upload';
            body = part.file;
            // busboy ends a part at the fileSize limit and marks it truncated.
            truncated = () => part.file.truncated;
          } else {
            format = RAW_TYPES[type] ?? null;
            source = `api.${format}`;
            body = req.body as NodeJS.ReadableStream;
          }
          if (!format) {
            return reply.code(415).send({
              error: 'unsupported_media_type',
              message: 'send application/x-ndjson, text/csv, or multipart/form-data with a .csv, .xlsx or .ndjson file',
            });
          }
          const path = join(dir, `upload${EXTENSION[format]}`);
          if (!(await spool(body, path, maxBytes)) || truncated()) return tooLarge(reply, maxBytes);
          const mode: ImportMode = req.query.dryRun ? 'dry_run' : req.query.partial ? 'partial' : 'all';
          const { result } = await importFile(importer, {
            entity,
            path,
            source,
            mode,
            encoding: req.query.encoding,
            who: 'api',
          });
          return reply.code(httpStatus(result)).send(importResponse(result));
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    );

    app.get('/api/imports', { schema: { querystring: listQuery } }, async (req) => {
      const runs = await store.listRuns(req.query.limit, req.query.before);
      return {
        runs: runs.map((r) => ({
          id: r.id,
          entity: r.entity,
          source: r.source,
          sha256: r.sha256,
          who: r.who,
          mode: r.mode,
          status: r.status,
          started_at: r.startedAt,
          finished_at: r.finishedAt,
          counts: r.counts,
          error_count: r.errorCount,
        })),
        next: runs.length === req.query.limit ? runs.at(-1)!.id : null,
      };
    });

    app.get('/api/imports/:id/errors', { schema: { params: runParams } }, async (req, reply) => {
      const errors = await store.runErrors(req.params.id);
      if (errors === null)
        return reply.code(404).send({ error: 'not_found', message: `no import run ${req.params.id}` });
      return { runId: req.params.id, errors };
    });
  };
}

function tooLarge(reply: FastifyReply, maxBytes: number) {
  // The rest of the body is not read: the client is told to stop and the connection is closed.
  reply.header('connection', 'close');
  return reply.code(413).send({ error: 'payload_too_large', message: `imports are limited to ${maxBytes} bytes` });
}

/** 200 when the import applied (or a clean dry run), 422 when it was rejected or a dry run found errors. */
function httpStatus(r: ImportResult): number {
  if (r.status === 'applied' || r.status === 'partial') return 200;
  if (r.status === 'dry_run') return r.errorCount === 0 ? 200 : 422;
  return 422;
}

/** The contract's summary (same keys as the CLI's last line) plus what the API caller needs to follow up. */
function importResponse(r: ImportResult) {
  return {
    ...importSummary(r),
    runId: r.runId,
    status: r.status,
    older: r.older,
    removed: r.removed,
    errorCount: r.errorCount,
  };
}
