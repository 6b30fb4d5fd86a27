/** The needs capability's domain types. Times are instants (stored as timestamptz); business time is Asia/Shanghai. */

export type Tier = 'core' | 'key' | 'regular' | 'silent';
export type NeedStatus = 'open' | 'claimed' | 'resolved' | 'closed';

export { NEED_CATEGORIES, type NeedCategory } from '../common/intents.js';

export interface NeedAttachment {
  kind: 'image';
  /** Where the image is found: the inbound message (and the channel's media id when it gave one). */
  ref: string;
  mediaId?: string;
  url?: string;
  at: string;
}

export interface Need {
  id: number;
  dealerCode: string;
  category: string;
  text: string;
  status: NeedStatus;
  ownerCode: string;
  tier: Tier;
  firstResponseDue: Date;
  resolutionDue: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  resolution: string | null;
  rating: number | null;
  ratingComment: string | null;
  attachments: NeedAttachment[];
  createdAt: Date;
  /** The statement a payment dispute is about ('D0012:2026-11'), when it named one. */
  statementRef?: string | null;
}

export interface NeedEvent {
  needId: number;
  kind: string;
  actor: string | null;
  body: string | null;
  at: Date;
}

export interface ManagerRef {
  code: string;
  name: string;
  role: 'account' | 'regional';
  /** The account manager's regional manager (null for a regional manager). */
  regionalCode: string | null;
}

export interface DealerRef {
  code: string;
  name: string;
  tier: Tier;
  tags: string[];
  managerCode: string;
  /** The regional manager above the dealer's account manager (or the manager itself when regional). */
  regionalCode: string;
}

export interface OrderSummary {
  orderNo: string;
  status: string;
  totalFen: number;
  placedAt: Date;
}

/** Who may act on a dealer's needs: their account manager, or the regional manager above that manager. */
export function managesDealer(manager: ManagerRef, dealer: DealerRef): boolean {
  if (dealer.managerCode === manager.code) return true;
  return manager.role === 'regional' && dealer.regionalCode === manager.code;
}

/** "N1024" ↔ 1024. */
export const needCode = (id: number): string => `N${id}`;

export function parseNeedCode(code: string | undefined): number | null {
  const m = code ? /^N(\d{1,12})$/i.exec(code.trim()) : null;
  if (!m) return null;
  const id = Number(m[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export const isOpenStatus = (s: NeedStatus): boolean => s === 'open' || s === 'claimed';
