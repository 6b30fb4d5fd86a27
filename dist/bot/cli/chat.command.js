import { createInterface } from 'node:readline/promises';
import { parseArgs } from './command.types.js';
/** A terminal chat against a running server's sandbox API: `npm run chat -- --as D0001`. */
export const chatCommand = {
    name: 'chat',
    usage: 'chat --as D0001 [--url URL]    chat in the terminal through the running sandbox',
    async run(args, config, io) {
        const { options } = parseArgs(args);
        const as = typeof options['as'] === 'string' ? options['as'] : 'D0001';
        const url = typeof options['url'] === 'string' ? options['url'] : `http://127.0.0.1:${config.server.port}`;
        const seen = new Set();
        const fetchPushes = async (print) => {
            const r = await fetch(`${url}/sandbox/outbox?to=${encodeURIComponent(as)}`);
            if (!r.ok)
                return;
            const { messages } = (await r.json());
            for (const m of messages) {
                if (seen.has(m.id))
                    continue;
                seen.add(m.id);
                if (print && m.kind !== 'reply')
                    io.out(`\n[推送·${m.kind}]\n${m.body}\n`);
            }
        };
        try {
            await fetchPushes(false);
        }
        catch {
            io.err(`cannot reach ${url}: start the assistant first with \`npm start\` (the sandbox must be on).`);
            return 1;
        }
        io.out(`以 ${as} 身份聊天（输入 /quit 退出）`);
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        const timer = setInterval(() => void fetchPushes(true).catch(() => { }), 3000);
        try {
            for (;;) {
                const text = (await rl.question('> ')).trim();
                if (text === '/quit' || text === '/exit')
                    break;
                if (!text)
                    continue;
                const r = await fetch(`${url}/sandbox/messages`, {
                    method: 'POST',
                    headers: { 'content-type': 'application/json' },
                    body: JSON.stringify({ from: as, text }),
                });
                const body = (await r.json());
                for (const line of body.replies ?? [])
                    io.out(line);
                if (!r.ok)
                    io.err(`(${r.status} ${body.message ?? ''})`);
                await fetchPushes(false);
            }
        }
        finally {
            clearInterval(timer);
            rl.close();
        }
        return 0;
    },
};
//# sourceMappingURL=chat.command.js.map