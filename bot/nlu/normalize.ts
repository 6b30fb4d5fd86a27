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

// Sentence particles that carry no meaning for intent rules when they close a clause.
const FILLERS = new Set(['啊', '呀', '哈', '嗯', '呢', '吧', '哦', '噢', '啦', '哇', '呃', '呐', '哟', '喔']);
const isBoundary = (c: string | undefined) => c === undefined || /[\s,.!?;:~"')\]>、]/.test(c);

function mapChar(ch: string): string {
  const code = ch.charCodeAt(0);
  const c = code >= 0xff01 && code <= 0xff5e ? String.fromCharCode(code - 0xfee0) : ch; // full-width ASCII
  if (code === 0x3000 || code === 0xa0 || c === '\t' || c === '\n' || c === '\r') return ' ';
  const p = PUNCT[c];
  if (p !== undefined) return p;
  return c >= 'A' && c <= 'Z' ? c.toLowerCase() : c;
}

/**
 * Full-width → half-width, Latin lower case, Chinese punctuation → ASCII, closing particles → spaces, English and
 * pinyin words → Chinese (lexicon.ts).
 */
export function normalize(text: string): string {
  const chars = new Array<string>(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    // Fast path: CJK ideographs, digits and lower-case Latin map to themselves.
    chars[i] = (c >= '\u4e00' && c <= '\u9fff') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : mapChar(c);
  }
  // Strip fillers that end a clause (一般吧, 好的呀): walk back so "好的呀啊" loses both.
  for (let i = chars.length - 1; i >= 0; i--) {
    if (FILLERS.has(chars[i]!) && isBoundary(chars[i + 1])) chars[i] = ' ';
  }
  // Note: filler characters are all CJK, so the fast path above leaves them for this pass.
  const out = translateWords(chars.join(''));
  // A message made only of particles ("嗯", "嗯嗯") is itself meaningful (a yes): keep it.
  return out.trim() === '' ? (text.trim() === '' ? out : mapAll(text)) : out;
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
