import { describe, expect, it } from 'vitest';
import { reasons } from '../../core/imports/messages.js';
import { importProblemText, importReasonText } from './imports.replies.js';

describe('import reasons in words (the wording the CLI prints)', () => {
  it('words every reason exactly', () => {
    const worded = {
      required: '必填项为空',
      missingColumn: '缺少必需的列',
      notInteger: '应为整数',
      negative: '数量不能为负',
      notPositive: '应大于 0',
      notAmount: '金额格式不正确（元，如 12.50）',
      amountDecimals: '金额最多两位小数',
      amountNegative: '金额不能为负',
      badDate: '日期格式应为 YYYY-MM-DD',
      badDateTime: '时间格式应为 YYYY-MM-DD HH:mm:ss',
      badBool: '应为 是/否（1/0、true/false）',
      duplicate: '文件内重复',
      gbkAsUtf8: '疑似 GBK 文件按 UTF-8 读取',
      badCsv: 'CSV 格式错误（引号未闭合）',
      badJson: '不是有效的 JSON 对象',
      failed: '导入失败，已全部回滚',
    } as const;
    for (const [name, text] of Object.entries(worded)) {
      expect(importReasonText(reasons[name as keyof typeof worded])).toBe(text);
    }
    expect(
      [
        reasons.tooLong(100),
        reasons.oneOf(['core', 'key']),
        reasons.badCode('D0001'),
        reasons.unknownDealer('D9999'),
        reasons.unknownManager('M999'),
        reasons.notRegional('M002'),
        reasons.unknownSku('KW-X99'),
        reasons.unknownStore('D9999-S01'),
        reasons.unknownOrder('SO1'),
        reasons.unknownReceivable('AR1'),
        reasons.otherDealer('D0002'),
        reasons.orderTaken('SO2'),
        reasons.headerMismatch('order_no'),
      ].map(importReasonText),
    ).toEqual([
      '超过 100 个字符',
      '应为 core/key 之一',
      '编码格式应如 D0001',
      '未知经销商 D9999',
      '未知客户经理 M999',
      'M002 不是区域经理',
      '未知产品 KW-X99',
      '未知门店 D9999-S01',
      '未知订单 SO1',
      '未知应收单 AR1',
      '属于经销商 D0002，与本行经销商不符',
      '订单号 SO2 已属于另一张 ERP 单据',
      '同一单据的表头 order_no 与前面的行不一致',
    ]);
  });

  it('names a rejected unit in both the value and the reason', () => {
    const bill = reasons.unitRejected({ kind: 'bill', billId: '100300' });
    expect(importProblemText({ line: 2, column: 'bill_id', value: '100300', reason: bill })).toEqual({
      line: 2,
      column: 'bill_id',
      value: '单据 100300',
      reason: '单据 100300 有错误行，整组未导入',
    });
    const snapshot = reasons.unitRejected({ kind: 'stockSnapshot', dealerCode: 'D0001', date: '2026-11-26' });
    expect(importProblemText({ line: 3, column: 'dealer_code', value: 'x', reason: snapshot })).toMatchObject({
      value: 'D0001 2026-11-26 库存快照',
      reason: 'D0001 2026-11-26 库存快照 有错误行，整组未导入',
    });
    expect(importProblemText({ line: 4, column: 'qty', value: '-2', reason: reasons.negative })).toEqual({
      line: 4,
      column: 'qty',
      value: '-2',
      reason: '数量不能为负',
    });
  });
});
