/**
 * Text normalisation for the rule parser. It is length-preserving (one UTF-16 unit in, one out) so that spans
 * found in the normalised text can cut the original message (e.g. a resolution note keeps its case).
 */
import { translateWords } from './lexicon.js';

const PUNCT: Record<string, string> = {
  '。': '.',
  '，': ',',
  '｡': '.',
  '､': ',',
  '【': '[',
  '】': ']',
  '《': '<',
  '》': '>',
  '「': '"',
  '」': '"',
  '『': '"',
  '』': '"',
  '“': '"',
  '”': '"',
  '‘': "'",
  '’': "'",
  '—': '-',
  '–': '-',
  '‐': '-',
  '−': '-',
  '～': '~',
  '〜': '~',
  '…': '.',
  '·': ' ',
  '・': ' ',
};

/** Characters dealers type for the one the rules know (对帐单 for 对账单), one for one so spans keep their places. */
const VARIANTS: Readonly<Record<string, string>> = { 帐: '账' };
const VARIANT_CODES = new Set(Object.keys(VARIANTS).map((c) => c.charCodeAt(0)));

// Sentence particles that carry no meaning for intent rules when they close a clause.
const FILLERS = new Set(['啊', '呀', '哈', '嗯', '呢', '吧', '哦', '噢', '啦', '哇', '呃', '呐', '哟', '喔']);
const IS_FILLER = new Uint8Array(0x10000);
for (const c of FILLERS) IS_FILLER[c.charCodeAt(0)] = 1;
const isBoundary = (c: string | undefined) => c === undefined || /[\s,.!?;:~"')\]>、]/.test(c);

function mapChar(ch: string): string {
  const code = ch.charCodeAt(0);
  const c = code >= 0xff01 && code <= 0xff5e ? String.fromCharCode(code - 0xfee0) : ch; // full-width ASCII
  if (code === 0x3000 || code === 0xa0 || c === '\t' || c === '\n' || c === '\r') return ' ';
  const p = PUNCT[c] ?? VARIANTS[c];
  if (p !== undefined) return p;
  return c >= 'A' && c <= 'Z' ? c.toLowerCase() : c;
}

/** CJK ideographs (but the variants above), digits and lower-case Latin map to themselves. */
const mapsToItself = (code: number) =>
  (code >= 0x4e00 && code <= 0x9fff && !VARIANT_CODES.has(code)) ||
  (code >= 0x61 && code <= 0x7a) ||
  (code >= 0x30 && code <= 0x39);

/**
 * Full-width → half-width, Latin lower case, Chinese punctuation → ASCII, closing particles → spaces, English and
 * pinyin words → Chinese (lexicon.ts).
 */
export function normalize(text: string): string {
  // Most messages are mostly ideographs: the text is copied only from its first character that maps to another.
  let first = 0;
  while (first < text.length && mapsToItself(text.charCodeAt(first))) first++;
  let mapped = text;
  if (first < text.length) {
    mapped = text.slice(0, first);
    for (let i = first; i < text.length; i++) {
      mapped += mapsToItself(text.charCodeAt(i)) ? text[i]! : mapChar(text[i]!);
    }
  }
  const out = translateWords(stripClosingFillers(mapped));
  // A message made only of particles ("嗯", "嗯嗯") is itself meaningful (a yes): keep it.
  return out.trim() === '' ? (text.trim() === '' ? out : mapAll(text)) : out;
}

/** Fillers that end a clause (一般吧, 好的呀) become spaces: walking back, "好的呀啊" loses both. */
function stripClosingFillers(s: string): string {
  let chars: string[] | undefined; // split only once a filler goes
  for (let i = s.length - 1; i >= 0; i--) {
    if (IS_FILLER[s.charCodeAt(i)] === 0) continue;
    if (isBoundary(i + 1 < s.length ? (chars ? chars[i + 1] : s[i + 1]) : undefined)) {
      chars ??= s.split('');
      chars[i] = ' ';
    }
  }
  return chars ? chars.join('') : s;
}

function mapAll(text: string): string {
  let s = '';
  for (let i = 0; i < text.length; i++) s += mapChar(text[i]!);
  return s;
}

/** Collapses the normalised text for display or keyword checks that do not need spans. */
export function compact(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
