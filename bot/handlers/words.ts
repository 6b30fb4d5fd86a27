import type { SalesWeek } from '../../core/common/slots.js';
import { quarterStart, shanghaiDate } from '../../core/common/time.js';
import type { Tier } from '../../core/dealers/tiers.js';
import type { MarketLevel } from '../../core/insights/insights.types.js';
import type { NeedListFilter } from '../../core/needs/need-list.js';
import type { ParsedTurn } from '../dialog/turn.js';
import { normalize } from '../nlu/normalize.js';
import { salesWeek } from '../nlu/slots.extract.js';

// What the slot contract (NLU.md) does not carry: a quarter, a week, a need-list filter. These read the words for
// them only; intents and every other slot come from the parse. Replies are rendered as text: the dispatcher turns
// 【标题】 into markdown for WeCom app messages (bot/replies/render.ts).

/** A statement's period: the month slot, else "本季度" → 'quarter', "上季度" → 'YYYY-Qn' of the quarter before. */
export function statementPeriod(turn: ParsedTurn, text: string, now: Date): string | undefined {
  if (turn.slots.period) return turn.slots.period;
  const k = normalize(text);
  if (/上一?个?季度/.test(k)) {
    const start = quarterStart(shanghaiDate(now));
    const y = Number(start.slice(0, 4));
    const q = (Number(start.slice(5, 7)) - 1) / 3 + 1;
    return q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`;
  }
  return /季度|这季|本季/.test(k) ? 'quarter' : undefined;
}

/** "这周卖了多少" → the week so far, "上礼拜" → last week; otherwise the sales default (the last 30 days). */
export const salesSpan = (text: string): SalesWeek | undefined => salesWeek(normalize(text));

/** A store code in the text ("D0012-S01 上个月卖了多少"), upper-cased. */
export const storeCodeIn = (text: string): string | undefined =>
  /(?<![a-z0-9])d\d{4}\s*[-－—]\s*s\d{2,3}(?!\d)/i
    .exec(text)?.[0]
    .replace(/\s*[-－—]\s*/, '-')
    .toUpperCase();

/** "各门店 / 每个门店 / 分门店 / 哪个(门)店" → the answer is split per store. */
export const perStore = (text: string): boolean =>
  /各个?门店|每个?门店|每家(门)?店|分门店|哪个(门)?店|哪家(门)?店|各店/.test(normalize(text));

/** "今天新来的" → today; "超时的/逾期的" → overdue; otherwise every open need. */
export function needListFilter(text: string): NeedListFilter {
  const k = normalize(text);
  if (/超时|逾期|超期|过期|延误|拖了/.test(k)) return 'overdue';
  if (/今天|今日|新来|新进|刚来/.test(k)) return 'today';
  return 'all';
}

/** A tier the manager names ("我的核心客户", "重点培育的有几家", "沉默的那几家"), if any. */
export function tierNamed(text: string): Tier | undefined {
  const k = normalize(text);
  if (/核心/.test(k)) return 'core';
  if (/重点/.test(k)) return 'key';
  if (/普通/.test(k)) return 'regular';
  if (/沉默|不活跃|没动静|休眠/.test(k)) return 'silent';
  return undefined;
}

/** A market level the question names ("乡镇市场最近啥卖得好" → 乡镇), else the dealer's own. */
export function marketLevelIn(text: string): MarketLevel | undefined {
  const k = normalize(text);
  if (/乡镇|镇上|农村|乡下/.test(k)) return '乡镇';
  if (/县城|县里|县级/.test(k)) return '县城';
  if (/三四线/.test(k)) return '三四线';
  if (/二线/.test(k)) return '二线';
  if (/一线/.test(k)) return '一线';
  return undefined;
}
