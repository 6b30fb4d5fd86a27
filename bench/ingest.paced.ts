/**
 * Open-loop load at a fixed rate for bench/ingest.bench.ts. autocannon's `overallRate` lets every connection send
 * its share of the second as fast as it can and then pause, so "1,000 req/s" arrives as a burst at the top of
 * each second; and its coordinated-omission correction, with a 1 ms expected interval at that rate, records a
 * 40 ms response as forty samples. Here request k is due at start + k/rate, sent on a keep-alive socket (at most
 * `connections` of them, the rest queue in the agent), and its latency counts from when it was due, so a stalled
 * server or a lagging generator shows up in the figures instead of being skipped.
 */
import { Agent, request } from 'node:http';

export interface PacedRun {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface PacedOptions {
  rate: number;
  /** Seconds. */
  duration: number;
  connections: number;
  timeoutMs?: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function pacedLoad(
  port: number,
  payloads: ReadonlyArray<{ path: string; body: string }>,
  o: PacedOptions,
): Promise<PacedRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const total = Math.round(o.rate * o.duration);
  const interval = 1000 / o.rate;
  const latencies: number[] = [];
  let sent = 0;
  let finished = 0;
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let lastDone = 0;
  const start = performance.now();

  return new Promise((resolve) => {
    const settle = () => {
      finished++;
      if (finished < total) return;
      agent.destroy();
      latencies.sort((a, b) => a - b);
      const ok = latencies.length;
      resolve({
        rps: ok / ((lastDone - start) / 1000),
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        ok,
        non2xx,
        errors,
        timeouts,
      });
    };
    const fire = (due: number, p: { path: string; body: string }) => {
      let done = false;
      const end = (kind: 'ok' | 'non2xx' | 'error' | 'timeout') => {
        if (done) return;
        done = true;
        lastDone = performance.now();
        if (kind === 'ok') latencies.push(lastDone - due);
        else if (kind === 'non2xx') non2xx++;
        else if (kind === 'error') errors++;
        else timeouts++;
        settle();
      };
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: p.path,
          headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(p.body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => end(res.statusCode! >= 200 && res.statusCode! < 300 ? 'ok' : 'non2xx'));
          res.on('error', () => end('error'));
        },
      );
      req.setTimeout(o.timeoutMs ?? 10_000, () => {
        end('timeout');
        req.destroy();
      });
      req.on('error', () => end('error'));
      req.end(p.body);
    };
    // Timers fire about once a millisecond; each tick sends every request that has come due.
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      while (sent < due) {
        fire(start + sent * interval, payloads[sent % payloads.length]!);
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
}
