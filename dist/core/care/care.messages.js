import { categoryNameZh, formatPercent, formatYuan } from '../policies/explain.js';
/** Every Chinese text the care jobs send. */
export function birthdayMessage(contactNames) {
    const who = contactNames.join('、');
    return `${who}，生日快乐！🎂 感谢您一直以来对我们的信任与支持，祝您身体健康、生意兴隆，新的一岁万事顺意！`;
}
function bonusLines(b) {
    const excluded = b.excludedCategories.length ? `（${b.excludedCategories.map(categoryNameZh).join('、')}除外）` : '';
    const soFar = b.amountFen > 0
        ? `本月至今计入订货${formatYuan(b.amountFen)}，已可得额外返利${formatYuan(b.bonusFen)}。`
        : '本月至今还没有计入的订货，现在下单即可享受。';
    return `\n🎁「${b.policyName}」：${b.monthLabel}内的订货${excluded}额外享受${formatPercent(b.rate)}返利。${soFar}`;
}
export function anniversaryMessage(dealerName, years, since, bonus) {
    const base = `${dealerName}您好！今天是我们合作${years}周年的日子（${since}开始合作）。感谢${years}年来的携手同行，未来我们继续一起把生意做大做好！`;
    return bonus ? base + bonusLines(bonus) : base;
}
/** The 3rd-anniversary bonus announced once in the anniversary month (when the day itself is not today). */
export function anniversaryBonusNotice(dealerName, anniversaryDate, bonus) {
    return `${dealerName}您好！${anniversaryDate}是我们合作三周年的纪念日，感谢一路相伴。${bonusLines(bonus).trim()}`;
}
export function replenishmentMessage(dealerName, advice) {
    const lines = advice.map((a) => `· ${a.name}：库存${a.onHand}${a.unit}，约够卖${a.daysOfCover}天（到货需${a.leadTimeDays}天），建议补${a.suggestQty}${a.unit}`);
    const first = advice[0];
    return `${dealerName}您好！根据近30天的门店销售，以下产品库存偏紧，建议尽快补货：\n${lines.join('\n')}\n建议量按近30天销量备足30天、不低于起订量计算。直接回复即可下单，例如「再来${first.suggestQty}${first.unit}${first.name}」。`;
}
function overstockLine(o) {
    return o.daysOfCover === null
        ? `· ${o.name}：库存${o.onHand}${o.unit}，近30天没有销售`
        : `· ${o.name}：库存${o.onHand}${o.unit}，按近30天销量约够卖${Math.round(o.daysOfCover)}天`;
}
/** To the dealer: only what they can act on (overstock with a clearance idea, overdue payment). */
export function dealerAnomalyMessage(dealerName, overstock, overdue) {
    const parts = [`${dealerName}您好！这里是经营提醒：`];
    if (overstock.length) {
        parts.push(`以下产品库存偏多，占用资金：\n${overstock.map(overstockLine).join('\n')}\n建议：门店做限时特价或套餐搭售，老客户转介绍返现，或联系客户经理在附近门店间调拨。`);
    }
    if (overdue) {
        parts.push(`您有${overdue.count}笔货款已过付款期（最久${overdue.maxDaysOverdue}天），合计${formatYuan(overdue.amountFen)}。为免影响后续发货和授信额度，请尽快安排；如已付款请忽略。`);
    }
    return parts.join('\n');
}
/** One summary per account manager per day, covering all their dealers' anomalies. */
export function managerAnomalySummary(date, items) {
    const lines = items.map((a) => {
        const bits = [];
        if (a.overstock.length)
            bits.push(`库存积压${a.overstock.length}款（${a.overstock.map((o) => o.name).join('、')}）`);
        if (a.drop)
            bits.push(`近4周动销下降${Math.round(a.drop.fraction * 100)}%（${a.drop.prev28}→${a.drop.last28}件）`);
        if (a.overdue)
            bits.push(`逾期货款${formatYuan(a.overdue.amountFen)}，最久${a.overdue.maxDaysOverdue}天`);
        return `· ${a.dealerName}（${a.dealerCode}）：${bits.join('；')}`;
    });
    return `【经营异常 ${date}】您负责的经销商有${items.length}家出现异常：\n${lines.join('\n')}\n库存积压和逾期已提醒经销商本人；动销下降建议本周电话了解原因。`;
}
export function silentPlanMessage(d, lastOrders, peers, policies) {
    const since = d.lastOrderDate
        ? `已${d.daysSinceLastOrder}天未订货（最近一次${d.lastOrderDate}）`
        : '合作以来尚未订货';
    const parts = [`【沉默客户激活】${d.name}（${d.code}）${since}。`];
    if (lastOrders.length) {
        parts.push(`最近订货：\n${lastOrders.map((o) => `· ${o.date} ${formatYuan(o.amountFen)}：${o.products.join('、')}`).join('\n')}`);
    }
    if (peers.length) {
        parts.push(`同类经销商（${d.marketLevel}市场${d.tags.length ? `、${d.tags.join('/')}` : ''}）近90天主要订：${peers
            .map((p) => `${p.name}（${p.sharePct}%）`)
            .join('、')}`);
    }
    if (policies.length)
        parts.push(`可用政策：${policies.map((p) => `「${p.name}」`).join('、')}`);
    parts.push('建议：本周内电话或上门回访，了解停订原因，带上同类客户的主销产品和适用政策，约定一次试单。');
    return parts.join('\n');
}
export function successCaseMessage(dealerName, c) {
    return `${dealerName}您好！分享一个和您情况相近的经销商案例，供参考：\n【${c.title}】\n${c.body}\n想了解具体做法，可以随时问您的客户经理。`;
}
//# sourceMappingURL=care.messages.js.map