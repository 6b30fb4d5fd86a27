import { shanghaiDate } from '../../core/common/time.js';
import type { ImportOffer, OfferNotices } from '../../core/imports/offer.service.js';
import type { ImportEntity, ImportResult } from '../../core/imports/types.js';

/** Each import as the people sending files know it. */
export const ENTITY_ZH: Readonly<Record<ImportEntity, string>> = {
  managers: '客户经理',
  dealers: '经销商档案',
  contacts: '经销商联系人',
  stores: '门店档案',
  products: '产品',
  prices: '等级价格',
  'hq-stock': '总部库存',
  'dealer-stock': '经销商库存',
  pos: '门店销售',
  orders: 'ERP 订单',
  receivables: '应收',
  payments: '回款',
};

const n = (x: number) => x.toLocaleString('en-US');
/** A few codes, then "等 N 家". */
const someCodes = (codes: readonly string[]) =>
  codes.length <= 3 ? codes.join('、') : `${codes.slice(0, 3).join('、')} 等 ${codes.length} 家`;

/** Answers to a file sent in chat (bot/handlers/files.handler.ts). */
export const filesReplies = {
  fromDealer:
    '文件收到了。库存、销量这类数据由总部统一导入，经销商发来的文件不会直接导入；请交给您的客户经理，或用文字告诉我要办的事。',
  unavailable: '这份文件没能取到（可能已过期），没有做任何处理。请重新发送一次。',
  fetchFailed: '文件暂时没取到，没有做任何处理。请稍后再发一次。',
  tooLarge: (maxMb: number) => `文件超过 ${maxMb} MB，没有读取。请拆成几份再发，或交给总部在后台导入。`,
  notImport: (xls: boolean) =>
    xls
      ? '这是旧版 Excel（.xls）文件，读不了，没有做任何处理。请另存为 .xlsx 或 .csv 再发。'
      : '文件收到了，但它不是导入用的 CSV 或 Excel（.xlsx）文件，没有做任何处理。',
  unreadable: (format: 'csv' | 'xlsx') =>
    format === 'xlsx'
      ? '这份 Excel 文件打不开（可能已损坏），没有做任何处理。请重新导出后再发。'
      : '这份 CSV 文件读不了（内容不是文本），没有做任何处理。',
  unknownKind:
    '文件读到了，但表头和任何一种导入都对不上，没有提交。列名要和导入说明一致，例如门店销售：date,store_code,sku,qty,amount。',
  hqOnly: (entity: ImportEntity) =>
    `这份文件像是${ENTITY_ZH[entity]}导入。这类数据只由总部或 ERP 导入，客户经理发来的不会提交；请直接交给总部。`,
  empty: (entity: ImportEntity) => `这份文件像是${ENTITY_ZH[entity]}导入，但没有数据行，没有提交。`,
  outsideScope: (entity: ImportEntity, dealers: readonly string[], rowsWithoutDealer: number) => {
    const parts = [
      dealers.length > 0 ? `有些行不是您名下的经销商（${someCodes(dealers)}）` : '',
      rowsWithoutDealer > 0 ? `${n(rowsWithoutDealer)} 行没有有效的经销商或门店编码` : '',
    ].filter(Boolean);
    return `这份文件像是${ENTITY_ZH[entity]}导入，但${parts.join('，')}，没有提交。请只发您负责的经销商的数据。`;
  },
  staged: (offer: ImportOffer) =>
    `这份文件像是${ENTITY_ZH[offer.entity]}导入：${n(offer.rows)} 行，涉及 ${n(offer.dealerCodes.length)} 家经销商。` +
    `已提交总部审核（编号 #${offer.id}，${shanghaiDate(offer.expiresAt)} 前有效），总部导入或退回后会通知您。`,
};

/** What the sender hears when HQ decides on their file. */
export const offerNotices: OfferNotices = {
  applied: (offer: ImportOffer, r: ImportResult) => {
    const skipped = r.status === 'partial' && r.errorCount > 0 ? `，${n(r.errorCount)} 行有问题未导入` : '';
    return (
      `您发来的${ENTITY_ZH[offer.entity]}文件《${offer.fileName}》（#${offer.id}）总部已导入：` +
      `新增 ${n(r.inserted)} 行，更新 ${n(r.updated)} 行，未变 ${n(r.unchanged)} 行${skipped}。`
    );
  },
  rejected: (offer: ImportOffer, reason: string | null) =>
    `您发来的${ENTITY_ZH[offer.entity]}文件《${offer.fileName}》（#${offer.id}）总部没有导入${reason ? `：${reason}` : '。'}`,
};

/** An offer as HQ's API and CLI show it (the file itself is never shown). */
export function offerView(o: ImportOffer) {
  return {
    id: o.id,
    manager_code: o.managerCode,
    channel: o.channel,
    file_name: o.fileName,
    format: o.format,
    size_bytes: o.sizeBytes,
    entity: o.entity,
    rows: o.rows,
    dealers: o.dealerCodes,
    status: o.status,
    created_at: o.createdAt,
    expires_at: o.expiresAt,
    decided_at: o.decidedAt,
    decided_by: o.decidedBy,
    reason: o.reason,
    last_run: o.last,
  };
}
