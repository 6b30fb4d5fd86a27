/**
 * A real local OpenAI-compatible server for tests: POST /chat/completions (also /v1/chat/completions).
 * It records every request and answers from a script: a tool call, plain content, an HTTP error, a delay, a hang-up.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeReply =
  /** A tool call; `args` is JSON-encoded unless it is already a string (use a string for invalid JSON). */
  | { kind: 'tool'; args: unknown; name?: string }
  /** A plain assistant message without a tool call. */
  | { kind: 'content'; content: string }
  /** An HTTP error status with an OpenAI-style error body. */
  | { kind: 'http'; status: number; message?: string }
  /** Wait, then answer with `reply` (default: an empty content reply). */
  | { kind: 'delay'; ms: number; reply?: FakeReply }
  /** Destroy the connection without an answer (a network failure). */
  | { kind: 'hangup' };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: any;
}

export interface FakeOpenAI {
  /** Base URL to give the client, e.g. http://127.0.0.1:PORT/v1 */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Queues replies, used in order, one per request. */
  enqueue(...replies: FakeReply[]): void;
  /** Reply used when the queue is empty (default: HTTP 500 "no scripted reply"). */
  setDefault(reply: FakeReply): void;
  close(): Promise<void>;
}

let seq = 0;

function completion(model: string, message: Record<string, unknown>, finishReason: string): string {
  seq += 1;
  return JSON.stringify({
    id: `chatcmpl-fake-${seq}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  });
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];
  let fallback: FakeReply = { kind: 'http', status: 500, message: 'fake: no scripted reply' };
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: any;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });

      const path = (req.url ?? '').split('?')[0];
      if (req.method !== 'POST' || !(path === '/chat/completions' || path === '/v1/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
        return;
      }
      const model = typeof body?.model === 'string' ? body.model : 'fake-model';
      const toolName: string = body?.tools?.[0]?.function?.name ?? 'extract_intent';

      const answer = (reply: FakeReply): void => {
        if (res.destroyed || res.writableEnded) return;
        switch (reply.kind) {
          case 'tool': {
            const args = typeof reply.args === 'string' ? reply.args : JSON.stringify(reply.args);
            const message = {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: `call_fake_${seq + 1}`,
                  type: 'function',
                  function: { name: reply.name ?? toolName, arguments: args },
                },
              ],
            };
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(completion(model, message, 'tool_calls'));
            return;
          }
          case 'content':
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(completion(model, { role: 'assistant', content: reply.content }, 'stop'));
            return;
          case 'http':
            res.writeHead(reply.status, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({ error: { message: reply.message ?? 'fake error', type: 'server_error', code: null } }),
            );
            return;
          case 'delay': {
            const t = setTimeout(() => {
              timers.delete(t);
              answer(reply.reply ?? { kind: 'content', content: '' });
            }, reply.ms);
            timers.add(t);
            res.on('close', () => {
              clearTimeout(t);
              timers.delete(t);
            });
            return;
          }
          case 'hangup':
            req.socket.destroy();
            return;
        }
      };
      answer(queue.shift() ?? fallback);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    setDefault: (reply) => {
      fallback = reply;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
