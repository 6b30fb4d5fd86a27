import type { Anomaly, AnomalyNotices } from '../../core/care/anomaly.types.js';
import type { CareDealer } from '../../core/care/ports.js';
import { formatYuan } from './policy.explain.js';
import { dayText } from './format.js';

/** One line per newly opened anomaly, the same wording for the dealer and the manager. */
function anomalyLine(a: Anomaly): string {
  switch (a.kind) {
    case 'overstock': {
      const d = a.details;
      return d.daysOfCover === null
        ? `· 库存积压：${d.name} 库存${d.onHand}${d.unit}，近30天没有销售`
        : `· 库存积压：${d.name} 库存${d.onHand}${d.unit}，按近30天销量约够卖${Math.round(d.daysOfCover)}天`;
    }
    case 'sell_through_drop': {
      const d = a.details;
      return `· 动销下降：近4周卖出${d.last28}件，前4周${d.prev28}件（-${Math.round(d.fraction * 100)}%）`;
    }
    case 'overdue_payment': {
      const d = a.details;
      return `· 货款逾期：${a.subject} 未付${formatYuan(d.outstandingFen)}，${dayText(d.dueDate)}到期，已逾期${d.daysOverdue}天`;
    }
    case 'expiring_batch': {
      const d = a.details;
      const when =
        d.daysLeft < 0 ? `已于${dayText(d.expiresOn)}过期` : `${dayText(d.expiresOn)}到期（还剩${d.daysLeft}天）`;
      return `· 临期库存：${d.name} ${d.qty}${d.unit}，${when}`;
    }
  }
}

/** What each kind suggests the dealer do, once per notice. */
const ADVICE: Record<Anomaly['kind'], string> = {
  overstock: '积压的产品可以做门店限时特价或套餐搭售，也可联系客户经理在附近门店间调拨。',
  sell_through_drop: '动销下降的原因（门店客流、竞品、缺货）可以和客户经理一起看看。',
  overdue_payment: '逾期货款请尽快安排，以免影响后续发货和授信额度；如已付款请忽略。',
  expiring_batch: '临期库存建议优先出货，需要促销支持可以直接告诉我。',
};

/** The notices of newly opened anomalies (core/care AnomalyService): told once; persisting ones are not repeated. */
export const anomalyNotices: AnomalyNotices = {
  dealer(d: CareDealer, opened: readonly Anomaly[]): string {
    const kinds = [...new Set(opened.map((a) => a.kind))];
    return [
      `${d.name}您好！这里是经营提醒，新出现${opened.length}项需要留意：`,
      ...opened.map(anomalyLine),
      ...kinds.map((k) => ADVICE[k]),
    ].join('\n');
  },
  manager(d: CareDealer, opened: readonly Anomaly[]): string {
    return [
      `【经营异常】${d.name}（${d.code}）新出现${opened.length}项：`,
      ...opened.map(anomalyLine),
      '已同时提醒经销商本人；持续存在的不会重复提醒，消除后自动关闭。',
    ].join('\n');
  },
};
