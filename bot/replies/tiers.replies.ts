import { round1, type TierReason } from '../../core/dealers/scoring.js';
import { TIER_NAMES_ZH } from '../../core/dealers/tiers.js';
import { DIMENSION_NAMES_ZH } from './accounts.replies.js';
import { shareText } from './format.js';

/** An amount in 万元: whole from 100万 up, one decimal below ("200万元", "50万元", "3.5万元"). */
function wanText(fen: number): string {
  const w = fen / 1_000_000;
  return `${w >= 100 ? Math.round(w) : round1(w)}万元`;
}

/**
 * One re-tiering reason in words ("近3个月订货增长52%", "门窗动销率90%"). These words are stored with each score
 * (dealer_scores.reasons) and on the dealer (dealers.tier_reasons), and quoted by the tier answers and notices.
 */
export function tierReasonText(r: TierReason): string {
  switch (r.kind) {
    case 'silent':
      return `已连续${r.days}天未订货（最近一次${r.lastOrderDate}）`;
    case 'neverOrdered':
      return '合作以来尚未订货';
    case 'growth':
      return `近3个月订货${r.change > 0 ? '增长' : '下降'}${shareText(Math.abs(r.change))}`;
    case 'resumed':
      return '近3个月恢复订货';
    case 'sellThrough':
      return `${r.category}动销率${shareText(r.rate)}`;
    case 'purchases':
      return r.topPercent === null
        ? `近12个月订货${wanText(r.amountFen)}`
        : `近12个月订货${wanText(r.amountFen)}，在同级（${r.marketLevel}）市场前${r.topPercent}%`;
    case 'stores':
      return `在营门店${r.stores}家，覆盖${r.regions}个区县`;
    case 'belowTier':
      return `综合评分${r.total}分，低于「${TIER_NAMES_ZH[r.tier]}」所需的${r.minTotal}分`;
    case 'weakDimension':
      return `「${DIMENSION_NAMES_ZH[r.dimension]}」得分${r.score}分，是短板`;
  }
}
