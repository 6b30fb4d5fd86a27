import { createInterface } from 'node:readline/promises';
import { cliReplies } from '../replies/cli.replies.js';
import { type CliCommand, parseCommandArgs } from './command.types.js';

/** A terminal chat against a running server's sandbox API: `npm run chat -- --as D0001`. */
export const chatCommand: CliCommand = {
  name: 'chat',
  usage: 'chat --as D0001 [--url URL]    chat in the terminal through the running sandbox',
  async run(args, config, io) {
    const parsed = parseCommandArgs(args, { as: { type: 'string' }, url: { type: 'string' } }, io);
    if (!parsed) return 2;
    const as = parsed.values.as ?? 'D0001';
    const url = parsed.values.url ?? `http://127.0.0.1:${config.server.port}`;
    const seen = new Set<number>();
    const fetchPushes = async (print: boolean) => {
      const r = await fetch(`${url}/sandbox/outbox?to=${encodeURIComponent(as)}`);
      if (!r.ok) return;
      const { messages } = (await r.json()) as { messages: Array<{ id: number; kind: string; body: string }> };
      for (const m of messages) {
        if (seen.has(m.id)) continue;
        seen.add(m.id);
        if (print && m.kind !== 'reply') io.out(cliReplies.push(m.kind, m.body));
      }
    };
    try {
      await fetchPushes(false);
    } catch {
      io.err(`cannot reach ${url}: start the assistant first with \`npm start\` (the sandbox must be on).`);
      return 1;
    }
    io.out(cliReplies.chatAs(as));
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const timer = setInterval(() => void fetchPushes(true).catch(() => {}), 3000);
    try {
      for (;;) {
        const text = (await rl.question('> ')).trim();
        if (text === '/quit' || text === '/exit') break;
        if (!text) continue;
        const r = await fetch(`${url}/sandbox/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from: as, text }),
        });
        const body = (await r.json()) as { replies?: string[]; message?: string };
        for (const line of body.replies ?? []) io.out(line);
        if (!r.ok) io.err(`(${r.status} ${body.message ?? ''})`);
        await fetchPushes(false);
      }
    } finally {
      clearInterval(timer);
      rl.close();
    }
    return 0;
  },
};
