import { ConfigError, loadConfigFromProcess } from './config.js';
import type { CliCommand, CliHost } from './cli/command.types.js';

/**
 * Every CLI command; each capability adds its own. Loaded on use, so a light command (rebate --policy) never
 * imports the database, the LLM stack or another command's modules.
 */
const commands: Record<string, () => Promise<CliCommand>> = {
  migrate: async () => (await import('./cli/db.command.js')).migrateCommand,
  seed: async () => (await import('./cli/db.command.js')).seedCommand,
  chat: async () => (await import('./cli/chat.command.js')).chatCommand,
  'nlu-eval': async () => (await import('./cli/nlu-eval.command.js')).nluEvalCommand,
  nlu: async () => (await import('./cli/nlu.command.js')).nluCommand,
  rebate: async () => (await import('./cli/rebate.command.js')).rebateCommand,
  policy: async () => (await import('./cli/policy.command.js')).policyCommand,
  needs: async () => (await import('./cli/needs.command.js')).needsCommand,
  jobs: async () => (await import('./cli/jobs.command.js')).jobsCommand,
  dealers: async () => (await import('./cli/dealers.command.js')).dealersCommand,
  import: async () => (await import('./cli/import.command.js')).importCommand,
  offers: async () => (await import('./cli/offers.command.js')).offersCommand,
  erp: async () => (await import('./cli/erp.command.js')).erpCommand,
  export: async () => (await import('./cli/export.command.js')).exportCommand,
  campaigns: async () => (await import('./cli/growth.command.js')).campaignsCommand,
  cadence: async () => (await import('./cli/growth.command.js')).cadenceCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const load = name !== undefined && Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    const all = await Promise.all(Object.values(commands).map((l) => l()));
    console.error(`usage: npm run cli -- <command> …\n${all.map((c) => `  ${c.usage}`).join('\n')}`);
    return name ? 2 : 0;
  }
  const command = await load();
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
  // The composition root, loaded only when a command asks for the database.
  const root = () => import('./composition.js');
  const host: CliHost = {
    withServices: async (fn) => (await root()).withServices(config, fn),
    migrate: async () => (await root()).migrateDatabase(config),
    seed: async (seedArgs, io) => (await root()).seedDatabase(config, seedArgs, io),
  };
  return command.run(
    args,
    config,
    {
      out: (l) => process.stdout.write(`${l}\n`),
      err: (l) => process.stderr.write(`${l}\n`),
      isTTY: Boolean(process.stdout.isTTY),
    },
    host,
  );
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e.name === 'DatabaseLockedError' ? e.message : e);
    process.exit(1);
  },
);
