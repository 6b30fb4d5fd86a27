import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Miss, NluMissStore } from '../../core/conversation/misses.js';
import { INTENTS, type Intent } from '../../core/common/intents.js';
import { slotsSchema } from '../../core/common/slots.js';
import { type CliCommand, type CliIo, parseCommandArgs } from './command.types.js';

/** The training corpus `npm run nlu:train` reads. */
export const CORPUS_PATH = new URL('../nlu/corpus/intents.jsonl', import.meta.url).pathname;

const KNOWN = new Set<string>(INTENTS);

/**
 * Appends labelled misses to a corpus file (intents.jsonl lines) and marks them exported. A text the corpus has
 * already (with any label) is not added twice. The frozen held-out file is never written.
 */
export async function exportMisses(
  store: NluMissStore,
  out: string,
  now: Date,
): Promise<{ appended: number; skipped: number }> {
  if (/heldout/i.test(basename(out))) throw new Error('the held-out file is frozen: export to the corpus instead');
  const present = new Set<string>();
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    present.add((JSON.parse(line) as { text: string }).text.trim());
  }
  const labelled = await store.list('labelled', 10_000);
  const lines: string[] = [];
  let skipped = 0;
  for (const m of labelled) {
    const t = m.text.trim();
    if (!m.label || present.has(t)) {
      skipped++;
      continue;
    }
    present.add(t);
    lines.push(JSON.stringify({ text: t, intent: m.label.intent, slots: m.label.slots }));
  }
  if (lines.length > 0) {
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    appendFileSync(out, `${sep}${lines.join('\n')}\n`);
  }
  await store.markExported(
    labelled.map((m) => m.id),
    now,
  );
  return { appended: lines.length, skipped };
}

/** Labels one miss; the intent must be the contract's, the slots the slot contract's. */
export async function labelMiss(
  store: NluMissStore,
  id: number,
  intent: string,
  slotsJson: string | undefined,
  now: Date,
): Promise<string | null> {
  if (!KNOWN.has(intent)) return `unknown intent ${intent}`;
  let slots: Record<string, unknown> = {};
  if (slotsJson) {
    let raw: unknown;
    try {
      raw = JSON.parse(slotsJson);
    } catch {
      return '--slots is not JSON';
    }
    const parsed = slotsSchema.strict().safeParse(raw);
    if (!parsed.success) return `--slots do not fit the slot contract: ${parsed.error.message}`;
    slots = parsed.data;
  }
  return (await store.label(id, { intent, slots }, now)) ? null : `no open miss ${id}`;
}

const showMiss = (m: Miss) =>
  `#${m.id} [${m.kind}, ${m.senderRole}] ${m.text}\n  1) ${m.guesses[0]?.intent ?? '-'} ${m.guesses[0]?.p ?? ''}   2) ${
    m.guesses[1]?.intent ?? '-'
  } ${m.guesses[1]?.p ?? ''}`;

/** On a TTY: each open miss with its two guesses; answer an intent name, 1/2 for a guess, d to discard, Enter to skip. */
async function labelInteractively(store: NluMissStore, io: CliIo): Promise<number> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  let labelled = 0;
  try {
    for (const m of await store.list('open', 500)) {
      io.out(showMiss(m));
      const answer = (await rl.question('intent (name, 1/2, d=discard, Enter=skip, q=quit)> ')).trim();
      if (answer === 'q') break;
      if (answer === '') continue;
      if (answer === 'd') {
        await store.label(m.id, 'discard', new Date());
        continue;
      }
      const guess = /^[12]$/.test(answer) ? m.guesses[Number(answer) - 1]?.intent : answer;
      const error = guess ? await labelMiss(store, m.id, guess, undefined, new Date()) : 'no such guess';
      if (error) io.err(error);
      else labelled++;
    }
  } finally {
    rl.close();
  }
  io.out(`${labelled} labelled`);
  return 0;
}

export const nluCommand: CliCommand = {
  name: 'nlu',
  usage:
    'nlu label [--id N --intent X [--slots JSON]] | nlu export [--out FILE]   label missed messages, add them to the corpus',
  async run(args, _config, io, host) {
    const parsed = parseCommandArgs(
      args,
      { id: { type: 'string' }, intent: { type: 'string' }, slots: { type: 'string' }, out: { type: 'string' } },
      io,
    );
    const sub = parsed?.positionals[0];
    if (!parsed || (sub !== 'label' && sub !== 'export')) {
      io.err(`usage: npm run cli -- ${this.usage}`);
      return 2;
    }
    const { id, intent, slots, out } = parsed.values;
    if (id !== undefined && !/^\d{1,9}$/.test(id)) {
      io.err('--id must be a miss number');
      return 2;
    }
    if (sub === 'label' && !(id && intent) && !io.isTTY) {
      io.err('not a terminal: give --id N --intent X [--slots JSON]');
      return 2;
    }
    return host.withServices(async ({ services }) => {
      const store = services.nluMisses;
      if (sub === 'export') {
        const r = await exportMisses(store, out ?? CORPUS_PATH, new Date());
        io.out(`${r.appended} appended, ${r.skipped} already in the corpus; now run npm run nlu:train`);
        return 0;
      }
      if (!(id && intent)) return labelInteractively(store, io);
      const error = await labelMiss(store, Number(id), intent as Intent, slots, new Date());
      if (error) {
        io.err(error);
        return 1;
      }
      io.out(`miss ${id} labelled ${intent}`);
      return 0;
    });
  },
};
