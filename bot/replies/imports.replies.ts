import type { ImportReason, ImportUnit } from '../../core/imports/messages.js';
import type { RowError, RowProblem } from '../../core/imports/types.js';

/** An ERP bill or a dealer's stock snapshot, as the operator knows it. */
export function importUnitText(u: ImportUnit): string {
  return u.kind === 'bill' ? `单据 ${u.billId}` : `${u.dealerCode} ${u.date} 库存快照`;
}

/** Every import validation reason in Chinese for HQ operators; the CLI and the admin API print it as it is. */
export function importReasonText(r: ImportReason): string {
  switch (r.code) {
    case 'required':
      return '必填项为空';
    case 'missingColumn':
      return '缺少必需的列';
    case 'notInteger':
      return '应为整数';
    case 'negative':
      return '数量不能为负';
    case 'notPositive':
      return '应大于 0';
    case 'notAmount':
      return '金额格式不正确（元，如 12.50）';
    case 'amountDecimals':
      return '金额最多两位小数';
    case 'amountNegative':
      return '金额不能为负';
    case 'badDate':
      return '日期格式应为 YYYY-MM-DD';
    case 'badDateTime':
      return '时间格式应为 YYYY-MM-DD HH:mm:ss';
    case 'badBool':
      return '应为 是/否（1/0、true/false）';
    case 'duplicate':
      return '文件内重复';
    case 'gbkAsUtf8':
      return '疑似 GBK 文件按 UTF-8 读取';
    case 'badCsv':
      return 'CSV 格式错误（引号未闭合）';
    case 'badJson':
      return '不是有效的 JSON 对象';
    case 'failed':
      return '导入失败，已全部回滚';
    case 'tooLong':
      return `超过 ${r.max} 个字符`;
    case 'oneOf':
      return `应为 ${r.values.join('/')} 之一`;
    case 'badCode':
      return `编码格式应如 ${r.example}`;
    case 'badOptions':
      return `定制选项格式有误（${r.problem}），应如 w=600-2400;h=600-2400;glass=double:0|triple:90;open=inward|outward;color=深灰:0;m2=980;min=1.0`;
    case 'unknownDealer':
      return `未知经销商 ${r.dealerCode}`;
    case 'unknownManager':
      return `未知客户经理 ${r.managerCode}`;
    case 'notRegional':
      return `${r.managerCode} 不是区域经理`;
    case 'unknownSku':
      return `未知产品 ${r.sku}`;
    case 'unknownStore':
      return `未知门店 ${r.storeCode}`;
    case 'unknownOrder':
      return `未知订单 ${r.orderNo}`;
    case 'unknownReceivable':
      return `未知应收单 ${r.orderNo}`;
    case 'otherDealer':
      return `属于经销商 ${r.dealerCode}，与本行经销商不符`;
    case 'orderTaken':
      return `订单号 ${r.orderNo} 已属于另一张 ERP 单据`;
    case 'headerMismatch':
      return `同一单据的表头 ${r.column} 与前面的行不一致`;
    case 'unitRejected':
      return `${importUnitText(r.unit)} 有错误行，整组未导入`;
  }
}

/** A problem as the import contract prints it; a rejected unit's value is the unit's name. */
export function importProblemText(p: RowProblem): RowError {
  const value = p.reason.code === 'unitRejected' ? importUnitText(p.reason.unit) : p.value;
  return { line: p.line, column: p.column, value, reason: importReasonText(p.reason) };
}
