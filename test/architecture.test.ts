import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * DESIGN.md's import rules and issue 11's, checked on every source file (tests excluded: they may reach across for
 * setup). Each rule is a function over a virtual file map (repo-relative path → text), so a test can plant a
 * violation and see the rule catch it.
 */
type Files = ReadonlyMap<string, string>;
type Rule = (files: Files) => string[];

const ROOT = resolve(import.meta.dirname, '..');
const SOURCE_FOLDERS = ['bot', 'core', 'adapters', 'prompts', 'db'];

const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  db: ['db', 'core'],
  adapters: ['adapters', 'core'],
  prompts: ['prompts'],
};
// Packages that would drag infrastructure into the pure core (and into bot/nlu).
const INFRASTRUCTURE_PACKAGES =
  /^(fastify|kysely|pg|ioredis|@langchain\/.*|langchain|node-cron|@wecom\/crypto|@electric-sql\/pglite|pino)$/;
/** Packages core may use, each with the reason it is not infrastructure. */
const CORE_ALLOWED_PACKAGES: Record<string, string> = {
  'csv-parse/sync': 'a pure parser of text already in memory (no I/O, no streams); reads the catalog CSV',
  'pinyin-pro': 'a pure text transform with its dictionary in memory (no I/O); matches dealer names said in pinyin',
};

// --- issue 11: bot/'s inner rules --------------------------------------------------------------------------------

/** The composition root: the only bot/ files that may touch db/ and kysely values, and import any bot/ area. */
const COMPOSITION_ROOT = ['bot/main.ts', 'bot/app.ts', 'bot/composition.ts'];
/** Entry points that may import any bot/ area (the CLI wires its commands). */
const ENTRY_POINTS = [...COMPOSITION_ROOT, 'bot/cli.ts'];
/** bot/ files every area may import (leaves that depend on core only): the config and the `Services` types. */
const SHARED = ['bot/config.ts', 'bot/services.ts'];
/**
 * The allowed direction inside bot/, top to bottom: an area imports only areas in a LOWER row (never its own row's
 * other areas, never upward). So nothing imports api, cli or the HTTP server's assembly; handlers plug into dialog (which receives them from
 * the composition root); replies are text only; nlu is a leaf over core.
 */
const BOT_LAYERS: readonly (readonly string[])[] = [
  ['api', 'cli', 'server', 'console'],
  ['channels', 'scheduler'],
  ['handlers'],
  ['dialog'],
  ['pipeline'],
  ['replies'],
  ['nlu'],
];

/**
 * Edges the layer table allows but that point back at a caller: a handler is called by the engine, never the other
 * way; the admin API calls services, never the conversation's dialog or handlers.
 */
const CALLER_EDGES: Record<string, readonly string[]> = {
  'bot/handlers/': ['bot/dialog/engine.ts'],
  'bot/api/': ['bot/dialog/', 'bot/handlers/'],
};

// --- issue 11: no user text in core ------------------------------------------------------------------------------

/**
 * All Chinese user text lives in bot/replies; core returns values (kinds, codes, numbers) that bot words. What core
 * may still hold is vocabulary that is data: tier and tag names, units, category words, lexicon words and regex
 * sources used for matching (comments are not checked). The rule: a string or template literal in core is prose —
 * and banned — when it holds a CJK character and either CJK sentence punctuation or an interpolation that assembles
 * a sentence (`${…}` beside CJK text). `String.raw` templates (regex
 * sources) and regex literals are matching rules, not text. core/testing (in-memory fakes and their made-up names)
 * is test support.
 */
const CJK = /[\u3400-\u9fff]/;
// 、。「」【】… and full-width ，：；！？（）; not 〇 (U+3007), a numeral.
const CJK_PUNCTUATION = /[\u3001-\u3006\u3008-\u303f\uff01-\uff0f\uff1a-\uff20\u2026\u2014]/;

interface Literal {
  text: string;
  line: number;
}

/** The string and template literals of a TypeScript text, without comments, regex literals and String.raw templates. */
function literalsOf(src: string): Literal[] {
  const out: Literal[] = [];
  let i = 0;
  let line = 1;
  let prev = ''; // last significant character, to tell a regex literal from a division
  const skipTo = (end: number) => {
    for (; i < end && i < src.length; i++) if (src[i] === '\n') line++;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i);
      skipTo(end < 0 ? src.length : end);
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      skipTo(end < 0 ? src.length : end + 2);
      continue;
    }
    if (c === '/' && (prev === '' || '(,=:[!&|?{};+'.includes(prev) || /\breturn\s*$/.test(src.slice(0, i)))) {
      let j = i + 1;
      let inClass = false;
      for (; j < src.length && src[j] !== '\n'; j++) {
        if (src[j] === '\\') j++;
        else if (src[j] === '[') inClass = true;
        else if (src[j] === ']') inClass = false;
        else if (src[j] === '/' && !inClass) break;
      }
      skipTo(j + 1);
      prev = '/';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      const start = i;
      const startLine = line;
      const raw = c === '`' && /String\.raw\s*$/.test(src.slice(Math.max(0, i - 12), i));
      let depth = 0;
      let j = i + 1;
      for (; j < src.length; j++) {
        const d = src[j]!;
        if (d === '\\') {
          j++;
          continue;
        }
        if (c === '`' && d === '$' && src[j + 1] === '{') depth++;
        else if (c === '`' && depth > 0 && d === '}') depth--;
        else if (d === c && depth === 0) break;
      }
      const text = src.slice(start, j + 1);
      skipTo(j + 1);
      if (!raw) out.push({ text, line: startLine });
      prev = c;
      continue;
    }
    if (!/\s/.test(c)) prev = c;
    i++;
  }
  return out;
}

/** Why a literal is prose, or null when it is vocabulary. */
function proseIn(literal: string): string | null {
  if (!CJK.test(literal)) return null;
  if (CJK_PUNCTUATION.test(literal)) return 'CJK punctuation';
  // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source as text
  if (literal.startsWith('`') && literal.includes('${')) return 'a sentence assembled with ${…}';
  return null;
}

const coreNoUserText: Rule = (files) =>
  [...files]
    .filter(([file]) => file.startsWith('core/') && !file.startsWith('core/testing/'))
    .flatMap(([file, text]) =>
      literalsOf(text).flatMap(({ text: lit, line }) => {
        const why = proseIn(lit);
        return why ? [`${file}:${line} ${lit.slice(0, 40)} (${why})`] : [];
      }),
    )
    .sort();

// --- reading imports ---------------------------------------------------------------------------------------------

interface ImportRef {
  spec: string;
  /** `import type …`, `export type …`, or every named specifier marked `type`. */
  typeOnly: boolean;
}

const STATEMENT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(text: string): ImportRef[] {
  return [...text.matchAll(STATEMENT)].map((m) => {
    if (m[5] ?? m[6]) return { spec: (m[5] ?? m[6])!, typeOnly: false };
    const clause = m[3]!.trim();
    const named = /^\{([^}]*)\}$/.exec(clause);
    const allTypes =
      named !== null &&
      named[1]!
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .every((s) => s.startsWith('type '));
    return { spec: m[4]!, typeOnly: Boolean(m[2]) || allTypes };
  });
}

/** The repo-relative file a relative specifier points at (`.js` stands for the `.ts` source). */
function target(from: string, spec: string): string {
  return posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts');
}

function eachImport(files: Files, under: string, visit: (file: string, ref: ImportRef) => string | null): string[] {
  const out: string[] = [];
  for (const [file, text] of files) {
    if (!file.startsWith(under)) continue;
    for (const ref of importsOf(text)) {
      const problem = visit(file, ref);
      if (problem !== null) out.push(`${file} → ${ref.spec}${problem ? ` (${problem})` : ''}`);
    }
  }
  return out.sort();
}

// --- the rules ---------------------------------------------------------------------------------------------------

const folderRule =
  (folder: string): Rule =>
  (files) =>
    eachImport(files, `${folder}/`, (file, { spec }) => {
      if (spec.startsWith('.')) return ALLOWED[folder]!.includes(target(file, spec).split('/')[0]!) ? null : '';
      if (folder === 'prompts') return spec.startsWith('node:') ? null : '';
      if (folder === 'core') {
        if (INFRASTRUCTURE_PACKAGES.test(spec)) return 'infrastructure package';
        if (!spec.startsWith('node:') && !(spec in CORE_ALLOWED_PACKAGES) && spec !== 'zod') return 'not allow-listed';
      }
      return null;
    });

const envRule: Rule = (files) =>
  [...files]
    .filter(([, text]) => /process\.env/.test(text))
    .map(([file]) => file)
    .filter((f) => f !== 'bot/config.ts');

/** bot/ outside the composition root: no kysely values, nothing from db/ (not even types). */
const botNoDb: Rule = (files) =>
  eachImport(files, 'bot/', (file, ref) => {
    if (COMPOSITION_ROOT.includes(file)) return null;
    if (ref.spec === 'kysely' && !ref.typeOnly) return 'kysely value';
    if (ref.spec.startsWith('.') && target(file, ref.spec).startsWith('db/')) return 'db/';
    return null;
  });

/** bot/nlu imports only core and itself (and non-infrastructure packages). */
const nluCoreOnly: Rule = (files) =>
  eachImport(files, 'bot/nlu/', (file, { spec }) => {
    if (spec.startsWith('.')) {
      const t = target(file, spec);
      return t.startsWith('core/') || t.startsWith('bot/nlu/') ? null : '';
    }
    return INFRASTRUCTURE_PACKAGES.test(spec) ? 'infrastructure package' : null;
  });

/** The bot/ area of a file: its first folder under bot/, or the file name for bot/*.ts. */
function botArea(file: string): string {
  const rest = file.slice('bot/'.length);
  return rest.includes('/') ? rest.split('/')[0]! : rest.replace(/\.ts$/, '');
}
const layerOf = (area: string) => BOT_LAYERS.findIndex((row) => row.includes(area));

const botLayers: Rule = (files) =>
  eachImport(files, 'bot/', (file, { spec }) => {
    if (ENTRY_POINTS.includes(file) || !spec.startsWith('.')) return null;
    const to = target(file, spec);
    if (SHARED.includes(file)) return to.startsWith('core/') ? null : 'a shared leaf imports only core';
    if (!to.startsWith('bot/') || SHARED.includes(to)) return null;
    const [from, into] = [botArea(file), botArea(to)];
    if (from === into) return null;
    if (layerOf(from) < 0) return `${from} is not in BOT_LAYERS`;
    if (ENTRY_POINTS.includes(to)) return 'imports an entry point';
    if (layerOf(into) < 0) return `${into} is not in BOT_LAYERS`;
    return layerOf(into) > layerOf(from) ? null : `${from} may not import ${into}`;
  });

/** A handler does not reach into another handler (shared steps live in dialog or core). */
const handlersNoSiblings: Rule = (files) =>
  eachImport(files, 'bot/handlers/', (file, { spec }) => {
    if (!spec.startsWith('.') || !file.endsWith('.handler.ts')) return null;
    const to = target(file, spec);
    return to.startsWith('bot/handlers/') && to.endsWith('.handler.ts') ? '' : null;
  });

/** No edge back into a caller (CALLER_EDGES). */
const noCallerEdges: Rule = (files) =>
  eachImport(files, 'bot/', (file, { spec }) => {
    if (!spec.startsWith('.')) return null;
    const to = target(file, spec);
    const banned = Object.entries(CALLER_EDGES).find(([from]) => file.startsWith(from))?.[1] ?? [];
    return banned.some((b) => to === b || to.startsWith(b)) ? 'imports its caller' : null;
  });

/** Production code imports only production dependencies: the image runs `npm ci --omit=dev`. */
const productionDeps =
  (dependencies: readonly string[]): Rule =>
  (files) =>
    eachImport(files, '', (_file, { spec, typeOnly }) => {
      if (typeOnly || spec.startsWith('.') || spec.startsWith('node:')) return null;
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      return dependencies.includes(pkg) ? null : 'not in dependencies';
    });

// --- the repository ----------------------------------------------------------------------------------------------

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'data' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

const repo: Files = new Map(
  SOURCE_FOLDERS.flatMap((f) => sourceFiles(join(ROOT, f))).map((p) => [
    relative(ROOT, p).split('\\').join('/'),
    readFileSync(p, 'utf8'),
  ]),
);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

describe('layout and import rules (DESIGN.md)', () => {
  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    it(`${folder}/ imports only ${allowed.join(', ')}`, () => {
      expect(folderRule(folder)(repo)).toEqual([]);
    });
  }

  it('reads process.env only in bot/config.ts', () => {
    expect(envRule(repo)).toEqual([]);
  });

  it('ships only production dependencies from production code', () => {
    expect(productionDeps(Object.keys(pkg.dependencies))(repo)).toEqual([]);
  });
});

describe('bot/ rules (issue 11)', () => {
  const rules: Array<[string, Rule]> = [
    ['bot/ outside the composition root imports no kysely values and nothing from db/', botNoDb],
    ['bot/nlu imports only core and itself', nluCoreOnly],
    [`bot/ areas import only downward: ${BOT_LAYERS.map((r) => r.join('|')).join(' → ')}`, botLayers],
    ['a handler does not import another handler', handlersNoSiblings],
    ['no edge back into a caller: handlers ↛ the engine, api ↛ dialog or handlers', noCallerEdges],
    ['core holds no Chinese user text (bot/replies words it)', coreNoUserText],
  ];
  for (const [title, rule] of rules) {
    it(title, () => {
      expect(rule(repo)).toEqual([]);
    });
  }
});

describe('each rule fails on a planted violation', () => {
  const plant = (path: string, text: string): Files => new Map([[path, text]]);

  it('core/ may not import db/ or infrastructure, and only allow-listed packages', () => {
    expect(folderRule('core')(plant('core/x.ts', "import { a } from '../db/schema.js';"))).toHaveLength(1);
    expect(folderRule('core')(plant('core/x.ts', "import { sql } from 'kysely';"))).toHaveLength(1);
    expect(folderRule('core')(plant('core/x.ts', "import _ from 'lodash';"))).toHaveLength(1);
    expect(folderRule('core')(plant('core/x.ts', "import { parse } from 'csv-parse/sync';"))).toEqual([]);
  });

  it('prompts/ imports nothing outside itself', () => {
    expect(folderRule('prompts')(plant('prompts/x.ts', "import { z } from 'zod';"))).toHaveLength(1);
  });

  it('process.env outside bot/config.ts', () => {
    expect(envRule(plant('adapters/x.ts', 'const k = process.env.KEY;'))).toEqual(['adapters/x.ts']);
  });

  it('a production import of a dev dependency', () => {
    expect(productionDeps(['zod'])(plant('bot/x.ts', "import { run } from 'tsx';\nimport { z } from 'zod';"))).toEqual([
      'bot/x.ts → tsx (not in dependencies)',
    ]);
  });

  it('a kysely value or a db/ import (even type-only) in bot/ outside the composition root', () => {
    const text = [
      "import type { Kysely } from 'kysely';",
      "import { type Kysely as K, sql } from 'kysely';",
      "import type { Database } from '../../db/schema.js';",
    ].join('\n');
    expect(botNoDb(plant('bot/pipeline/x.ts', text))).toEqual([
      'bot/pipeline/x.ts → ../../db/schema.js (db/)',
      'bot/pipeline/x.ts → kysely (kysely value)',
    ]);
    expect(botNoDb(plant('bot/main.ts', text))).toEqual([]);
  });

  it('bot/nlu importing dialog or an infrastructure package', () => {
    const text = "import { step } from '../dialog/engine.js';\nimport { a } from '../../core/catalog/pricing.js';";
    expect(nluCoreOnly(plant('bot/nlu/x.ts', text))).toEqual(['bot/nlu/x.ts → ../dialog/engine.js']);
    expect(nluCoreOnly(plant('bot/nlu/x.ts', "import { ChatOpenAI } from '@langchain/openai';"))).toHaveLength(1);
  });

  it('a back-edge, a same-row edge, an import of cli and an unknown area', () => {
    expect(botLayers(plant('bot/dialog/engine.ts', "import { x } from '../handlers/needs.handler.js';"))).toEqual([
      'bot/dialog/engine.ts → ../handlers/needs.handler.js (dialog may not import handlers)',
    ]);
    expect(botLayers(plant('bot/api/needs.routes.ts', "import { x } from '../cli/needs.command.js';"))).toHaveLength(1);
    expect(botLayers(plant('bot/replies/x.ts', "import { x } from '../pipeline/outbox.js';"))).toHaveLength(1);
    expect(botLayers(plant('bot/widgets/x.ts', "import { x } from '../replies/a.js';"))).toEqual([
      'bot/widgets/x.ts → ../replies/a.js (widgets is not in BOT_LAYERS)',
    ]);
    // Downward edges, own area, config and the entry points are fine.
    const fine = "import { a } from '../replies/a.js';\nimport { b } from './b.js';\nimport { c } from '../config.js';";
    expect(botLayers(plant('bot/handlers/x.ts', fine))).toEqual([]);
    expect(botLayers(plant('bot/main.ts', "import { x } from './cli/x.js';"))).toEqual([]);
    // A shared leaf (the Services types) depends on core only; a command reaches the root only through its host.
    expect(botLayers(plant('bot/services.ts', "import type { J } from './scheduler/job.types.js';"))).toEqual([
      'bot/services.ts → ./scheduler/job.types.js (a shared leaf imports only core)',
    ]);
    expect(botLayers(plant('bot/cli/x.ts', "import { withServices } from '../composition.js';"))).toEqual([
      'bot/cli/x.ts → ../composition.js (imports an entry point)',
    ]);
  });

  it('a handler importing another handler', () => {
    const text = "import { s } from './stock.handler.js';\nimport { r } from './guards.js';";
    expect(handlersNoSiblings(plant('bot/handlers/orders.handler.ts', text))).toEqual([
      'bot/handlers/orders.handler.ts → ./stock.handler.js',
    ]);
  });

  it('an edge back into a caller', () => {
    expect(noCallerEdges(plant('bot/handlers/x.ts', "import { s } from '../dialog/engine.js';"))).toEqual([
      'bot/handlers/x.ts → ../dialog/engine.js (imports its caller)',
    ]);
    expect(noCallerEdges(plant('bot/api/x.ts', "import { h } from '../handlers/needs.handler.js';"))).toHaveLength(1);
    expect(noCallerEdges(plant('bot/handlers/x.ts', "import { reply } from '../dialog/turn.js';"))).toEqual([]);
  });

  it('Chinese prose in core: punctuation, an assembled sentence or a long run; vocabulary and matching are fine', () => {
    const text = [
      "const a = '您好，欢迎';",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source as text
      'const b = `库存${n}套`;',
      "const digits = '零〇一壹二贰貳两兩俩仨三叁參四肆五伍六陆陸七柒八捌九玖十拾';",
      "const tiers = { core: '核心', key: '重点培育' }; // 注释：不检查",
      'const re = /^(?:请|麻烦)?(?:帮我)?，/;',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source as text
      'const src = String.raw`(?<ym>\\d{4}年(?<m>\\d{1,2})月${x})`;',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source as text
      "const plain = 'KW-N60 ${x}';",
      '/* 多行注释，不检查 */',
    ].join('\n');
    expect(coreNoUserText(plant('core/x/y.ts', text))).toEqual([
      "core/x/y.ts:1 '您好，欢迎' (CJK punctuation)",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source as text
      'core/x/y.ts:2 `库存${n}套` (a sentence assembled with ${…})',
    ]);
    expect(coreNoUserText(plant('bot/replies/x.ts', "const a = '您好，欢迎';"))).toEqual([]);
  });
});
