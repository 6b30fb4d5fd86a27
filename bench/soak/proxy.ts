/**
 * A local round-robin HTTP proxy in front of the app instances, as a load balancer would be: each request goes to
 * the next instance; one that refuses the connection (killed, restarting) is skipped for the next, like nginx's
 * `proxy_next_upstream error`. Any other failure answers 502, which WeCom treats as "post again".
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  url: string;
  /** Requests answered by each upstream (by index), and those no upstream could take. */
  stats: { perUpstream: number[]; refusedSkipped: number; failed: number };
  close(): Promise<void>;
}

export async function startRoundRobinProxy(upstreams: readonly string[]): Promise<RoundRobinProxy> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const stats = { perUpstream: upstreams.map(() => 0), refusedSkipped: 0, failed: 0 };
  let next = 0;

  const forward = (req: IncomingMessage, body: Buffer, target: number) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const u = new URL(req.url ?? '/', upstreams[target]);
      const out = request(
        u,
        { method: req.method, headers: { ...req.headers, host: u.host, connection: 'keep-alive' }, agent },
        resolve,
      );
      out.setTimeout(30_000, () => out.destroy(new Error('upstream timeout')));
      out.on('error', reject);
      out.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const first = next++ % upstreams.length;
    for (let i = 0; i < upstreams.length; i++) {
      const target = (first + i) % upstreams.length;
      try {
        const up = await forward(req, body, target);
        stats.perUpstream[target]!++;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ECONNREFUSED') break;
        stats.refusedSkipped++;
      }
    }
    stats.failed++;
    if (!res.headersSent) res.writeHead(502);
    res.end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
