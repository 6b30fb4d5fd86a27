import { isTargeted } from '../policies/targeting.js';
/** The dealer's most telling derived tag, used to find similar dealers. */
export function primaryTag(tags) {
    for (const t of ['门窗专长', '橱柜专长', '工程渠道', '下沉市场', '零售终端'])
        if (tags.includes(t))
            return t;
    return '';
}
/** Active policies a silent dealer is targeted by (by tier and tags), to open the conversation with. */
export function fittingPolicies(policies, dealer) {
    return policies.filter((p) => p.kind !== 'anniversary_bonus' && isTargeted(p, dealer));
}
//# sourceMappingURL=activation.js.map