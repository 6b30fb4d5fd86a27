import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_TIMEOUT_MS, buildServer } from './server.js';

/**
 * A slow-writing client on a non-callback route (issue 14, defect 7): it sends its headers, then one body byte a
 * second. The server must drop it soon after the body deadline, not after ~73 s.
 */
describe('slow request bodies', () => {
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    app = await buildServer({
      config: {
        server: {
          port: 0,
          host: '127.0.0.1',
          logLevel: 'silent',
          adminToken: undefined,
          trustProxy: false,
          publicBaseUrl: undefined,
        },
      },
      ready: async () => true,
      plugins: [
        async (a) => {
          a.post('/echo', async (req) => ({ got: req.body }));
        },
      ],
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(async () => app?.close());

  it('closes a connection whose body trickles in past the body deadline', async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const started = Date.now();
    socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
    const trickle = setInterval(() => socket.write(' '), 1000);
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString();
    });
    const closedAfter = await new Promise<number>((resolve) => {
      socket.once('close', () => resolve(Date.now() - started));
      // Give up well before the old ~73 s: the test fails instead of hanging.
      setTimeout(() => resolve(Number.POSITIVE_INFINITY), BODY_TIMEOUT_MS + 10_000).unref();
    });
    clearInterval(trickle);
    socket.destroy();
    expect(closedAfter).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 500);
    expect(closedAfter).toBeLessThan(BODY_TIMEOUT_MS + 5_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }, 40_000);

  it('still takes a body that arrives in time', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ got: { a: 1 } });
  });
});
