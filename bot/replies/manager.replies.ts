import type { DirectoryMatch } from '../../core/accounts/accounts.types.js';
import type { LoggedContact } from '../../core/contacts/contacts.types.js';
import { shanghaiDate } from '../../core/common/time.js';
import type { NeedList, NeedListItem } from '../../core/needs/need-list.js';
import { needCode } from '../../core/needs/needs.types.js';
import { TIER_NAMES_ZH } from '../../core/dealers/tiers.js';
import { bullet, type ReplyFormat, safe, title } from './format.js';
import { CATEGORY_ZH, shTime } from './needs.replies.js';
import { fitBytes } from './policies.replies.js';

const FILTER_ZH: Readonly<Record<NeedList['filter'], string>> = {
  all: '待处理需求',
  today: '今天新来的需求',
  overdue: '已超时的需求',
};

/** "还剩 3小时20分" / "已超时 1天2小时". */
export function timeLeftText(msLeft: number): string {
  const mins = Math.max(1, Math.round(Math.abs(msLeft) / 60_000));
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  const span = d > 0 ? `${d}天${h ? `${h}小时` : ''}` : h > 0 ? `${h}小时${m ? `${m}分` : ''}` : `${m}分钟`;
  return msLeft < 0 ? `已超时 ${span}` : `还剩 ${span}`;
}

function needLine(i: NeedListItem, f: ReplyFormat): string {
  const what = i.clock === 'first' ? '待认领' : '处理中';
  const clip = i.need.text.length > 24 ? `${i.need.text.slice(0, 24)}…` : i.need.text;
  return bullet(
    `${needCode(i.need.id)}【${CATEGORY_ZH[i.need.category] ?? i.need.category}】${safe(i.dealerName, f)}：${safe(clip, f)}｜${what}，${timeLeftText(i.msLeft)}（${shTime(i.due)}）`,
    f,
  );
}

/** The manager's open needs (`am.need.list`). */
export function needListReply(l: NeedList, f: ReplyFormat = 'text'): string {
  const head = title(FILTER_ZH[l.filter], f);
  if (l.counts.all === 0) return `${head}您手上目前没有待处理的需求。`;
  const summary = `共 ${l.counts.all} 条未完成，其中今天新来 ${l.counts.today} 条、已超时 ${l.counts.overdue} 条。`;
  if (l.matched === 0) {
    return `${head}${l.filter === 'today' ? '今天还没有新需求。' : '没有超时的需求。'}\n${summary}`;
  }
  const lines = [`${head}${summary}`, ...l.items.map((i) => needLine(i, f))];
  if (l.matched > l.items.length) lines.push(`……还有 ${l.matched - l.items.length} 条，超时的排在最前。`);
  const first = l.items[0]!;
  lines.push(
    first.clock === 'first'
      ? `认领：“认领 ${needCode(first.need.id)}”`
      : `办结：“${needCode(first.need.id)} 已解决 处理说明”`,
  );
  return fitBytes(lines);
}

/** One dealer's open needs and who has each ("D0002的需求谁在跟"). */
export function dealerNeedsReply(code: string, l: NeedList, owners: ReadonlyMap<string, string>): string {
  if (l.items.length === 0) return `${code} 没有未完成的需求。`;
  const name = l.items[0]!.dealerName;
  const lines = l.items.map((i) => {
    const owner = owners.get(i.need.ownerCode) ?? i.need.ownerCode;
    const who = i.clock === 'first' ? `待认领（${owner}）` : `${owner} 处理中`;
    const clip = i.need.text.length > 24 ? `${i.need.text.slice(0, 24)}…` : i.need.text;
    return `· ${needCode(i.need.id)}【${CATEGORY_ZH[i.need.category] ?? i.need.category}】${clip}｜${who}，${timeLeftText(i.msLeft)}`;
  });
  const more = l.matched > l.items.length ? [`……还有 ${l.matched - l.items.length} 条。`] : [];
  return fitBytes([`${name}（${code}）未完成的需求 ${l.matched} 条：`, ...lines, ...more]);
}

/** Matches of a search by name (`am.dealer.lookup` with `dealer_name`) when there is not exactly one. */
export function dealerMatchesReply(text: string, matches: readonly DirectoryMatch[], f: ReplyFormat = 'text'): string {
  if (matches.length === 0) {
    return `没有在您负责的经销商里找到“${safe(text, f)}”。可以换个叫法，或直接发编号，例如“查 D0012”。`;
  }
  const lines = [
    `${title('找到这几家', f)}请回复编号或“第几个”查看详情：`,
    ...matches.map((m) =>
      bullet(
        `${m.entry.code} ${safe(m.entry.name, f)}（${TIER_NAMES_ZH[m.entry.tier]}，${m.entry.city}${m.entry.county && m.entry.county !== m.entry.city ? m.entry.county : ''}）`,
        f,
      ),
    ),
  ];
  return lines.join('\n');
}

/** '2026-11-20' → '11月20日'. */
const day = (at: Date) => {
  const [, m, d] = shanghaiDate(at).split('-').map(Number);
  return `${m}月${d}日`;
};

/** A contact recorded (`am.contact.log`), with the one before it. */
export function contactLoggedReply(l: LoggedContact, f: ReplyFormat = 'text'): string {
  const head = `已记录 ${day(l.contact.contactedAt)} 联系 ${safe(l.dealer.name, f)}（${l.dealer.code}）：${safe(l.contact.note, f)}`;
  const p = l.previous;
  if (!p) return `${head}\n这是与这家经销商的第一条联系记录。`;
  const by = p.managerCode === l.contact.managerCode ? '' : `（${p.managerCode} 记录）`;
  return `${head}\n上次联系是 ${day(p.contactedAt)}${by}：${safe(p.note, f)}`;
}

export const managerReplies = {
  needList: needListReply,
  dealerNeeds: dealerNeedsReply,
  dealerMatches: dealerMatchesReply,
  dealerNameMissing: '请说一下经销商的名字或编号，例如“找下锦华门窗”或“查 D0012”。',
  contactLogged: contactLoggedReply,
  contactCodeMissing: '请带上经销商编号，例如“已联系D0012 聊了陈列”。',
  contactDealerNotFound: (code: string) => `未找到经销商 ${code}，或不在您负责的范围内，请核对编号。`,
  contactNoteMissing: '请说一下聊了什么，例如“已联系D0012 聊了陈列”。',
};
