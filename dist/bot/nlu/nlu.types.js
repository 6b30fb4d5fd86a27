import { INTENTS, MANAGER_INTENTS, NEED_CATEGORIES, POLICY_KINDS as POLICIES, } from '../../core/common/intents.js';
export { INTENTS, MANAGER_INTENTS, NEED_CATEGORIES, POLICIES };
/** Units the parsers accept, kept as written by the dealer. */
export const UNITS = [
    '套',
    '樘',
    '个',
    '米',
    '卷',
    '件',
    '只',
    '扇',
    '把',
    '条',
    '副',
    '组',
    '箱',
    '根',
    '片',
    '块',
    '张',
    '台',
];
/** The intent of any result (`unknown` for kind unknown). */
export function intentOf(r) {
    return r.kind === 'unknown' ? 'unknown' : r.intent;
}
//# sourceMappingURL=nlu.types.js.map