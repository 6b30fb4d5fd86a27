import { shanghaiDate } from '../../core/common/time.js';
import type { CadenceItem } from '../../core/contacts/cadence.js';
import type { CadenceTexts } from '../../core/contacts/cadence.service.js';
import { TIER_NAMES_ZH } from '../../core/dealers/tiers.js';
import { dayText } from './format.js';
import { fitBytes } from './policies.replies.js';

/** "上次 11月20日" / "从未联系". */
const lastText = (i: CadenceItem) =>
  i.lastContactAt === null ? '从未联系' : `上次 ${dayText(shanghaiDate(i.lastContactAt))}`;

/** One dealer of a plan or a reminder: name, tier and cadence, when due, how late. */
export function cadenceLine(i: CadenceItem): string {
  const status = i.never ? '从未联系' : i.overdueDays > 0 ? `已逾期 ${i.overdueDays} 天` : `${dayText(i.dueOn)}前到期`;
  return `· ${i.name}（${i.code}，${TIER_NAMES_ZH[i.tier]}，每${i.intervalDays}天）${status}${i.never ? '' : `，${lastText(i)}`}`;
}

/** "每7天一次，下次请在12月3日前联系。" after a contact is logged. */
export const nextDueText = (i: CadenceItem) =>
  `按${TIER_NAMES_ZH[i.tier]}经销商每${i.intervalDays}天一次，下次请在${dayText(i.dueOn)}前联系。`;

/** The cadence pushes (core/contacts' CadenceTexts). */
export const cadenceTexts: CadenceTexts = {
  weeklyPlan: (week, items) =>
    fitBytes([
      `【本周联系计划】${dayText(week.monday)}—${dayText(week.sunday)}，共 ${items.length} 家到期（逾期的排在前面）：`,
      ...items.map(cadenceLine),
      '联系后回复“已联系D0012 聊了陈列”记录。',
    ]),
  overdue: (items) =>
    fitBytes([
      `【联系逾期提醒】${items.length} 家经销商已超过约定的联系周期：`,
      ...items.map(cadenceLine),
      '联系后回复“已联系D0012 聊了陈列”记录。',
    ]),
};
