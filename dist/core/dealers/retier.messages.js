import { describeBenefits, TIER_NAMES_ZH, TIER_RANK } from './tiers.js';
/** 'YYYY-MM' → '2026年11月'. */
export function monthLabel(month) {
    return `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
}
/** The one friendly message a dealer gets when their tier changes: why, and what the new tier brings. */
export function tierChangeMessage(c, month, managerName) {
    const up = TIER_RANK[c.after] > TIER_RANK[c.before];
    const head = up
        ? `${c.dealerName}您好！好消息：根据${monthLabel(month)}的经营评估，贵司的合作等级由「${TIER_NAMES_ZH[c.before]}」升为「${TIER_NAMES_ZH[c.after]}」，感谢一直以来的支持！`
        : `${c.dealerName}您好！根据${monthLabel(month)}的经营评估，贵司的合作等级由「${TIER_NAMES_ZH[c.before]}」调整为「${TIER_NAMES_ZH[c.after]}」。`;
    const why = c.reasons.length ? `\n主要依据：${c.reasons.join('；')}。` : '';
    const benefits = `\n「${TIER_NAMES_ZH[c.after]}」等级权益：\n${describeBenefits(c.after)
        .map((b) => `· ${b}`)
        .join('\n')}`;
    const tail = up
        ? '\n新等级即日生效，祝生意兴隆！'
        : `\n我们会和您一起把生意做回来，有任何需要请随时联系${managerName ? `客户经理${managerName}` : '您的客户经理'}。`;
    return head + why + benefits + tail;
}
/** The account manager's monthly summary of their dealers' tier changes. */
export function managerTierSummary(month, changes, scored) {
    const up = changes.filter((c) => TIER_RANK[c.after] > TIER_RANK[c.before]);
    const down = changes.filter((c) => TIER_RANK[c.after] < TIER_RANK[c.before]);
    const line = (c) => `· ${c.dealerName}（${c.dealerCode}）${TIER_NAMES_ZH[c.before]}→${TIER_NAMES_ZH[c.after]}，${c.total}分${c.reasons[0] ? `：${c.reasons[0]}` : ''}`;
    const parts = [
        `【${monthLabel(month)}经销商分级】您负责的${scored}家经销商已完成评分，${changes.length}家等级变化。`,
    ];
    if (up.length)
        parts.push(`升级 ${up.length} 家：\n${up.map(line).join('\n')}`);
    if (down.length)
        parts.push(`降级 ${down.length} 家：\n${down.map(line).join('\n')}`);
    if (down.some((c) => c.after === 'silent'))
        parts.push('转为沉默的经销商请尽快回访，激活方案会在每日提醒中推送。');
    return parts.join('\n');
}
//# sourceMappingURL=retier.messages.js.map