/** The needs capability's domain types. Times are instants (stored as timestamptz); business time is Asia/Shanghai. */
export { NEED_CATEGORIES } from '../common/intents.js';
/** Who may act on a dealer's needs: their account manager, or the regional manager above that manager. */
export function managesDealer(manager, dealer) {
    if (dealer.managerCode === manager.code)
        return true;
    return manager.role === 'regional' && dealer.regionalCode === manager.code;
}
/** "N1024" ↔ 1024. */
export const needCode = (id) => `N${id}`;
export function parseNeedCode(code) {
    const m = code ? /^N(\d{1,12})$/i.exec(code.trim()) : null;
    if (!m)
        return null;
    const id = Number(m[1]);
    return Number.isSafeInteger(id) && id > 0 ? id : null;
}
export const isOpenStatus = (s) => s === 'open' || s === 'claimed';
//# sourceMappingURL=needs.types.js.map