import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { keepAliveTransport } from './json-api.js';

/** A local node:http server answering with `handle`, counting the connections it accepted. */
async function server(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  const s: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  const stats = { connections: 0 };
  s.on('connection', () => stats.connections++);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  servers.push(s);
  return { base: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, stats };
}
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('keepAliveTransport', () => {
  it('posts the JSON body and reads the answer, reusing its connections across calls', async () => {
    const seen: string[] = [];
    const { base, stats } = await server((req, body, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers['content-type']} ${body}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ errcode: 0, n: seen.length }));
    });
    const send = keepAliveTransport(`${base}/`);
    for (let i = 1; i <= 5; i++) {
      const body = JSON.stringify({ text: `第${i}条` });
      expect(await send('/cgi-bin/message/send?access_token=t', { method: 'POST', body, timeoutMs: 1000 })).toEqual({
        status: 200,
        text: JSON.stringify({ errcode: 0, n: i }),
      });
    }
    expect(await send('/cgi-bin/gettoken?corpid=c', { method: 'GET', timeoutMs: 1000 })).toMatchObject({ status: 200 });
    expect(seen[0]).toBe('POST /cgi-bin/message/send?access_token=t application/json; charset=utf-8 {"text":"第1条"}');
    expect(seen[5]).toBe('GET /cgi-bin/gettoken?corpid=c undefined ');
    // Six calls, not six connections: undici frees a connection just after its answer's body is read, so a call made
    // at once may open a second one; from then on they are reused.
    expect(stats.connections).toBeLessThanOrEqual(2);
  });

  it('keeps the base URL path and answers a non-2xx status as it came', async () => {
    const { base } = await server((req, _body, res) => {
      res.statusCode = 502;
      res.end(req.url);
    });
    const send = keepAliveTransport(`${base}/proxy/wecom`);
    expect(await send('/cgi-bin/x', { method: 'GET', timeoutMs: 1000 })).toEqual({
      status: 502,
      text: '/proxy/wecom/cgi-bin/x',
    });
  });

  it('times out as a TimeoutError also when the headers came and the body stalls', async () => {
    const { base } = await server((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"errcode":');
    });
    const send = keepAliveTransport(base);
    const started = performance.now();
    const err = await send('/slow', { method: 'POST', body: '{}', timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('times out when nothing comes back', async () => {
    const { base } = await server(() => {});
    const err = await keepAliveTransport(base)('/never', { method: 'GET', timeoutMs: 100 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TimeoutError' });
  });

  it('a connection cut mid-body or refused is a network error, not a timeout', async () => {
    const { base } = await server((_req, _body, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"errcode":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const cut = await keepAliveTransport(base)('/cut', { method: 'GET', timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(Error);
    expect((cut as Error).name).not.toBe('TimeoutError');
    const refused = await keepAliveTransport('http://127.0.0.1:1')('/x', { method: 'GET', timeoutMs: 1000 }).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a free connection the server closed is not reused: the next call opens a new one', async () => {
    const { base, stats } = await server((_req, _body, res) => res.end('{}'));
    const send = keepAliveTransport(base);
    await send('/a', { method: 'GET', timeoutMs: 1000 });
    for (const s of servers) s.closeIdleConnections();
    await new Promise((r) => setTimeout(r, 50));
    expect(await send('/b', { method: 'GET', timeoutMs: 1000 })).toEqual({ status: 200, text: '{}' });
    expect(stats.connections).toBe(2);
  });
});
