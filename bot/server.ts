import { timingSafeEqual } from 'node:crypto';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform } from 'fastify-type-provider-zod';
import { DomainError } from '../core/common/errors.js';
import type { AppConfig } from './config.js';

export interface ServerDeps {
  config: Pick<AppConfig, 'server'>;
  /** Whether the database is reachable and migrated (for /readyz); throws when unreachable. */
  ready: () => Promise<boolean>;
  /** The app's pino logger; none in tests. */
  logger?: FastifyBaseLogger;
  /** Channel plugins registered by the composition root (sandbox, WeCom callback …). */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  /** The HQ admin API routes (under /api): registered only with ADMIN_TOKEN, behind its bearer check. */
  adminApi?: (app: FastifyInstance) => Promise<void>;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * An onRequest hook answering 401 unless `Authorization: Bearer <token>`. Add it to an encapsulated context so it
 * guards exactly the routes the router matched (a raw-URL test is bypassed by percent-encoding: /%61pi/… routes to
 * /api/…).
 */
export function requireAdminToken(token: string) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!tokenMatches(req.headers.authorization, token)) {
      return reply.code(401).send({ error: 'unauthorized', message: 'Authorization: Bearer <ADMIN_TOKEN> required' });
    }
  };
}

/** A request body must arrive within this time (the callback route has its own, tighter one). */
export const BODY_TIMEOUT_MS = 10_000;

const DOMAIN_STATUS: Record<string, number> = { NOT_FOUND: 404, FORBIDDEN: 403, CONFLICT: 409, INVALID: 422 };

/** A hop count as fastify applies it (its types take no number): the nearest `hops` proxies are trusted. */
function trustProxyOption(t: boolean | number | string[]) {
  return typeof t === 'number' ? (_address: string, hop: number) => hop < t : t;
}

/** The fastify app factory: main.ts listens on it, tests use it with `inject`. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    // Never wait forever on a slow client; callbacks have their own tighter limits.
    requestTimeout: 15_000,
    bodyLimit: 1024 * 1024,
    // req.ip / protocol / host from X-Forwarded-* only for the proxies the configuration names.
    trustProxy: trustProxyOption(deps.config.server.trustProxy),
  });

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    if (err instanceof DomainError) {
      const suffix = err.code.split('.').pop() ?? '';
      return reply.code(DOMAIN_STATUS[suffix] ?? 422).send({ error: err.code, message: err.message });
    }
    // Route schemas (zod, through fastify-type-provider-zod): name each field that failed.
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields = err.validation.map((v) => `${err.validationContext ?? ''}${v.instancePath} ${v.message}`.trim());
      return reply.code(400).send({ error: 'bad_request', message: fields.join('; ') });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err: { name: err.name, message: err.message } }, 'request failed');
    // No stack traces or internals in responses.
    return reply.code(status).send({
      error: status >= 500 ? 'internal_error' : 'bad_request',
      message: status >= 500 ? 'internal error' : err.message,
    });
  });

  // Fastify's own 404 logs "Route GET:<url> not found" with the raw URL, so an admin token sent in a query string
  // reached the log. This one writes no line of its own (the access-log lines redact the URL already).
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'not_found', message: 'no such route' }));

  // A body has its own deadline: Node checks requestTimeout only every 30 s, and a body trickling in a byte at a
  // time held a connection ~73 s. Past the deadline the client gets 408 and the connection is closed.
  app.addHook('onRequest', async (req, reply) => {
    const raw = req.raw;
    if (raw.headers['content-length'] === undefined && raw.headers['transfer-encoding'] === undefined) return;
    const timer = setTimeout(() => {
      if (raw.readableEnded || reply.raw.writableEnded) return;
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(408, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
      }
      reply.raw.end(JSON.stringify({ error: 'request_timeout', message: 'request body not received in time' }), () =>
        raw.destroy(),
      );
    }, BODY_TIMEOUT_MS);
    const clear = () => clearTimeout(timer);
    raw.once('end', clear);
    raw.once('close', clear);
    reply.raw.once('finish', clear);
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    try {
      if (!(await deps.ready())) return reply.code(503).send({ status: 'migrations pending' });
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database unreachable' });
    }
  });

  // The HQ admin API: off without ADMIN_TOKEN, bearer-token protected with it (a hook of the API's own context).
  const adminToken = deps.config.server.adminToken;
  if (adminToken && deps.adminApi) {
    const adminRoutes = deps.adminApi;
    // OpenAPI from the admin routes' zod schemas, at /api/openapi.json (behind the same token); other routes hidden.
    await app.register(swagger, {
      openapi: {
        info: { title: 'gongsheng admin API', version: '1' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        security: [{ bearer: [] }],
      },
      transform: (input) =>
        input.url.startsWith('/api/') ? jsonSchemaTransform(input) : { schema: { hide: true }, url: input.url },
    });
    await app.register(async (api) => {
      api.addHook('onRequest', requireAdminToken(adminToken));
      await api.register(adminRoutes);
      api.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    });
  } else {
    app.all('/api/*', async (_req, reply) =>
      reply.code(404).send({ error: 'admin_api_disabled', message: 'set ADMIN_TOKEN to enable /api' }),
    );
  }

  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  return app;
}
