import { parseCatalogCsv } from '../../core/catalog/catalog.csv.js';
import { CatalogMatcher } from './catalog.matcher.js';
import { parseIntent } from './intent.rules.js';
import { intentOf } from './nlu.types.js';
/** Relative dates of the evaluation files resolve against this instant (NLU.md). */
export const DEFAULT_EVAL_NOW = new Date('2026-11-26T12:00:00+08:00');
export function parseEvalJsonl(text) {
    return text
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '')
        .map((l, i) => {
        try {
            const o = JSON.parse(l);
            return { ...o, slots: o.slots ?? {} };
        }
        catch {
            throw new Error(`line ${i + 1}: invalid JSON`);
        }
    });
}
function itemsEqual(expected, got) {
    if (!Array.isArray(expected) || !Array.isArray(got) || expected.length !== got.length)
        return false;
    return expected.every((e, i) => {
        const g = got[i];
        // sku, qty and unit in order; a field the file leaves out (stock questions have no qty) is not compared.
        return e.sku === g.sku && (e.qty === undefined || e.qty === g.qty) && (e.unit === undefined || e.unit === g.unit);
    });
}
/** Every expected slot equals the prediction; extra predicted slots are ignored. */
export function slotsMatch(expected, got) {
    for (const [key, value] of Object.entries(expected)) {
        if (key === 'items') {
            if (!itemsEqual(value, got.items))
                return false;
        }
        else if (got[key] !== value)
            return false;
    }
    return true;
}
/** Scores a parser on labelled lines exactly as NLU.md says. */
export function evaluate(lines, parser, now = DEFAULT_EVAL_NOW) {
    let intentOk = 0;
    let slotLines = 0;
    let slotOk = 0;
    const mismatches = [];
    for (const line of lines) {
        const ctx = { sender: line.sender ?? 'dealer', now };
        if (line.context?.awaiting)
            ctx.awaiting = line.context.awaiting;
        const r = parser(line.text, ctx);
        const intent = intentOf(r);
        const slots = (r.kind === 'unknown' ? {} : r.slots);
        const iOk = intent === line.intent;
        if (iOk)
            intentOk++;
        let sOk = true;
        if (Object.keys(line.slots).length > 0) {
            slotLines++;
            sOk = slotsMatch(line.slots, slots);
            if (sOk)
                slotOk++;
        }
        if (!iOk || !sOk) {
            mismatches.push({
                text: line.text,
                expected: { intent: line.intent, slots: line.slots },
                got: { intent, slots },
            });
        }
    }
    const n = lines.length;
    const round = (x) => Math.round(x * 10_000) / 10_000;
    return {
        n,
        intentAccuracy: n === 0 ? 0 : round(intentOk / n),
        slotAccuracy: slotLines === 0 ? 1 : round(slotOk / slotLines),
        mismatches,
    };
}
/** The rule parser over a catalog CSV text: one matcher for all messages. */
export function ruleParserFromCsv(csv) {
    const matcher = new CatalogMatcher(parseCatalogCsv(csv));
    return (text, ctx) => parseIntent(text, ctx, matcher);
}
export const DEFAULT_CATALOG_PATH = new URL('../../db/seed/data/catalog.csv', import.meta.url).pathname;
/**
 * `nlu-eval FILE.jsonl [--now ISO] [--catalog CSV]`: prints one line per mismatch, then as the LAST line the
 * JSON `{"n":…,"intentAccuracy":…,"slotAccuracy":…}`. Returns the process exit code.
 */
export async function runNluEvalCli(argv, readFile, print, parser) {
    let file;
    let now = DEFAULT_EVAL_NOW;
    let catalogPath = DEFAULT_CATALOG_PATH;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === '--now' || a === '--catalog') {
            const v = argv[++i];
            if (v === undefined) {
                print(`nlu-eval: ${a} needs a value`);
                return 2;
            }
            if (a === '--catalog')
                catalogPath = v;
            else {
                now = new Date(v);
                if (Number.isNaN(now.getTime())) {
                    print(`nlu-eval: invalid --now ${v}`);
                    return 2;
                }
            }
        }
        else if (a.startsWith('--now='))
            now = new Date(a.slice(6));
        else if (a === '--')
            continue;
        else
            file ??= a;
    }
    if (!file) {
        print('usage: nlu-eval FILE.jsonl [--now ISO] [--catalog catalog.csv]');
        return 2;
    }
    const p = parser ?? ruleParserFromCsv(await readFile(catalogPath));
    const report = evaluate(parseEvalJsonl(await readFile(file)), p, now);
    for (const m of report.mismatches) {
        print(`MISMATCH ${m.text}\texpected ${JSON.stringify(m.expected)}\tgot ${JSON.stringify(m.got)}`);
    }
    print(JSON.stringify({ n: report.n, intentAccuracy: report.intentAccuracy, slotAccuracy: report.slotAccuracy }));
    return 0;
}
//# sourceMappingURL=nlu.eval.js.map