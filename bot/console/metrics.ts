import type { FastifyInstance } from 'fastify';
import type { OpsMetrics } from '../../core/console/ports.js';
import { pipelineMetrics } from '../pipeline/metrics.js';
import type { Services } from '../services.js';
import { sameSecret } from './auth.js';

/**
 * Prometheus `/metrics` (text exposition 0.0.4), read from the database at scrape time: messages in and out, queue
 * depth, job runs and durations, SLA breaches, failed WeCom sends. With ADMIN_TOKEN set, the scraper presents it as
 * a bearer token (Prometheus `authorization` config); without it the page is open, like the rest of a dev setup.
 */
export function metricsRoutes(deps: { services: Services; adminToken: string | undefined }) {
  return async (app: FastifyInstance) => {
    app.get('/metrics', async (req, reply) => {
      if (deps.adminToken) {
        const header = req.headers.authorization;
        if (!sameSecret(header?.startsWith('Bearer ') ? header.slice(7) : undefined, deps.adminToken)) {
          return reply
            .code(401)
            .send({ error: 'unauthorized', message: 'Authorization: Bearer <ADMIN_TOKEN> required' });
        }
      }
      const text =
        prometheusText(await deps.services.console.opsMetrics()) + processCounterText(pipelineMetrics.snapshot());
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
    });
  };
}

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${label(v)}"`)
    .join(',')}}`;

export function prometheusText(m: OpsMetrics): string {
  const out: string[] = [];
  const family = (
    name: string,
    type: 'counter' | 'gauge',
    help: string,
    samples: Array<[Record<string, string>, number]>,
  ) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of samples) out.push(`${name}${Object.keys(l).length ? labels(l) : ''} ${v}`);
  };
  const sum = <T>(rows: T[], key: (r: T) => string, value: (r: T) => number) => {
    const totals = new Map<string, number>();
    for (const r of rows) totals.set(key(r), (totals.get(key(r)) ?? 0) + value(r));
    return [...totals];
  };
  family(
    'gongsheng_messages_in_total',
    'counter',
    'Messages received and stored, by channel.',
    sum(
      m.inbound,
      (r) => r.channel,
      (r) => r.n,
    ).map(([channel, n]) => [{ channel }, n]),
  );
  family(
    'gongsheng_messages_out_total',
    'counter',
    'Messages written to the outbox, by route and status.',
    m.outbox.map((r) => [{ route: r.route, status: r.status }, r.n]),
  );
  const waiting = (rows: Array<{ status: string; n: number }>, statuses: string[]) =>
    rows.filter((r) => statuses.includes(r.status)).reduce((s, r) => s + r.n, 0);
  family('gongsheng_queue_depth', 'gauge', 'Messages waiting: inbound to process, outbox to send.', [
    [{ queue: 'inbound' }, waiting(m.inbound, ['pending', 'processing'])],
    [{ queue: 'outbox' }, waiting(m.outbox, ['pending', 'sending'])],
  ]);
  family(
    'gongsheng_wecom_send_errors',
    'gauge',
    'Outbox messages whose last send attempt failed (WeCom errors and network failures), by route and status.',
    m.outbox.filter((r) => r.failedAttempts > 0).map((r) => [{ route: r.route, status: r.status }, r.failedAttempts]),
  );
  family(
    'gongsheng_job_runs_total',
    'counter',
    'Scheduled job runs, by job and status.',
    m.jobs.map((r) => [{ job: r.job, status: r.status }, r.runs]),
  );
  const lastSeconds = new Map(m.jobs.flatMap((r) => (r.lastSeconds === null ? [] : [[r.job, r.lastSeconds] as const])));
  family(
    'gongsheng_job_last_duration_seconds',
    'gauge',
    'Duration of the latest finished run of each job.',
    [...lastSeconds].map(([job, seconds]) => [{ job }, seconds]),
  );
  family('gongsheng_need_sla_breaches_total', 'counter', 'Need SLA deadlines passed without the step done.', [
    [{}, m.slaBreaches],
  ]);
  return `${out.join('\n')}\n`;
}

/** This instance's in-memory pipeline counters (unknown sends, resends, rejected callbacks …), zero until counted. */
export function processCounterText(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, n]) => `# TYPE gongsheng_${name}_total counter\ngongsheng_${name}_total ${n}\n`)
    .join('');
}
