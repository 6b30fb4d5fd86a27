import { pinyin } from 'pinyin-pro';
import type { DirectoryEntry, DirectoryMatch } from './accounts.types.js';

/** Below this a dealer is not offered as a match. */
export const MIN_MATCH_SCORE = 0.6;

// What a manager types around a name: "找下老王建材", "查一下锦华门窗的情况", "那家华美".
const LEADING =
  /^(?:请|麻烦)?(?:帮我|帮忙)?(?:找一?下|查一?下|搜一?下|看一?下|找找|查查|看看|搜搜|找|查|搜|看)?(?:那家|这家|一家)?/;
const TRAILING = /(?:的)?(?:资料|情况|信息|档案|画像|经销商|客户|这家|那家|怎么样|呢|吧|啊)+$/;
const TRADE_SUFFIX = /(?:贸易有限公司|有限公司|经营部|门市部|专卖店|商行)$/;
const NICKNAME = /^[老小阿]([\u4e00-\u9fff])(.*)$/;

const isCjk = (c: string) => c >= '\u4e00' && c <= '\u9fff';

// Per-character pinyin cache (pinyin-pro costs tens of µs a call).
const PINYIN = new Map<string, string>();
function syllable(c: string): string {
  if (!isCjk(c)) return c.toLowerCase();
  let p = PINYIN.get(c);
  if (p === undefined) {
    p = pinyin(c, { toneType: 'none', type: 'array' })[0] ?? c;
    PINYIN.set(c, p);
  }
  return p;
}

/** The words of a search, without the request around them, spaces, punctuation or the trade suffix. */
export function cleanQuery(text: string): string {
  let q = text.normalize('NFKC').replace(/[\s\p{P}\p{S}]+/gu, '');
  q = q.replace(LEADING, '').replace(TRAILING, '');
  return q.replace(TRADE_SUFFIX, '');
}

function lcs<T>(a: readonly T[], b: readonly T[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Share of the query's adjacent pairs found adjacent in the target (rewards whole words over scattered letters). */
function pairCoverage(q: readonly string[], t: readonly string[]): number {
  if (q.length < 2) return t.includes(q[0]!) ? 1 : 0;
  const pairs = new Set<string>();
  for (let i = 1; i < t.length; i++) pairs.add(`${t[i - 1]}|${t[i]}`);
  let hit = 0;
  for (let i = 1; i < q.length; i++) if (pairs.has(`${q[i - 1]}|${q[i]}`)) hit++;
  return hit / (q.length - 1);
}

function similarity(q: readonly string[], t: readonly string[]): number {
  if (q.length === 0) return 0;
  return 0.7 * (lcs(q, t) / q.length) + 0.3 * pairCoverage(q, t);
}

/**
 * How well `query` (already cleaned) names a dealer, 0–1: the name's characters in order and in pairs, the same
 * on pinyin (homophone typos such as 锦花 for 锦华 still match), and "老王"/"小李" read as a contact's surname.
 */
export function nameScore(query: string, e: DirectoryEntry): number {
  if (!query) return 0;
  if (query.toUpperCase() === e.code) return 1;
  const name = e.name.replace(TRADE_SUFFIX, '');
  if (query === name || query === e.name) return 1;
  const text = (q: string) => {
    if (!q) return 0;
    if (name.includes(q)) return 1;
    const qc = [...q];
    const nc = [...name];
    const byChar = similarity(qc, nc);
    const byPinyin = 0.95 * similarity(qc.map(syllable), nc.map(syllable));
    return Math.max(byChar, byPinyin);
  };
  let best = text(query);
  const nick = NICKNAME.exec(query);
  if (nick) {
    const surname = nick[1]!;
    const rest = nick[2]!;
    const hasSurname = e.contactNames.some((c) => c.startsWith(surname));
    // A nickname plus words of the name is a strong hint; the nickname alone only narrows to that contact's dealers.
    const viaContact = hasSurname ? (rest ? 0.45 + 0.5 * text(rest) : 0.7) : 0.55 * text(rest);
    best = Math.max(best, viaContact);
  }
  return Math.round(best * 1000) / 1000;
}

/** The best matches of a search among the entries (score ≥ MIN_MATCH_SCORE), best first, at most `limit`. */
export function matchDealers(text: string, entries: readonly DirectoryEntry[], limit = 5): DirectoryMatch[] {
  const q = cleanQuery(text);
  if (!q) return [];
  return entries
    .map((entry) => ({ entry, score: nameScore(q, entry) }))
    .filter((m) => m.score >= MIN_MATCH_SCORE)
    .sort((a, b) => b.score - a.score || a.entry.code.localeCompare(b.entry.code))
    .slice(0, limit);
}
