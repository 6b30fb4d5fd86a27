/**
 * A real server process for the crash test: the composed app (WeCom callback, worker, dispatcher) on the database
 * named by DATABASE_URL or PGLITE_DIR, listening on PORT. Prints `listening <url>` once it accepts requests.
 * Run by wecom.crash.test.ts with `tsx`; it reads its environment the same way bot/main.ts does.
 */
import { loadConfigFromProcess } from '../../bot/config.js';
import { composeApp } from '../../bot/main.js';

const app = await composeApp(loadConfigFromProcess());
const address = await app.server.listen({ port: app.config.server.port, host: '127.0.0.1' });
process.stdout.write(`listening ${address}\n`);
const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
