import { ConfigError, loadConfigFromProcess } from './config.js';
import type { CliCommand } from './cli/command.types.js';
import { migrateCommand, seedCommand } from './cli/db.command.js';
import { chatCommand } from './cli/chat.command.js';
import { nluEvalCommand } from './cli/nlu-eval.command.js';

/** Every CLI command; each capability adds its own. */
const commands: CliCommand[] = [migrateCommand, seedCommand, chatCommand, nluEvalCommand];

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`usage: npm run cli -- <command> …\n${commands.map((c) => `  ${c.usage}`).join('\n')}`);
    return name ? 2 : 0;
  }
  let config: ReturnType<typeof loadConfigFromProcess>;
  try {
    config = loadConfigFromProcess();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  return command.run(args, config, {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    isTTY: Boolean(process.stdout.isTTY),
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e.name === 'DatabaseLockedError' ? e.message : e);
    process.exit(1);
  },
);
