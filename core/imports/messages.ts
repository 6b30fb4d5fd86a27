/**
 * Every import validation reason, as a value: a code and its parameters. bot/replies/imports.replies.ts words them
 * for HQ operators (the CLI and the admin API print the wording; DESIGN.md "Imports" fixes the JSON around it).
 */

/** Rows that stand or fall together: the lines of one ERP bill, or one dealer's stock snapshot of a date. */
export type ImportUnit = { kind: 'bill'; billId: string } | { kind: 'stockSnapshot'; dealerCode: string; date: string };

export type ImportReason =
  | {
      code:
        | 'required'
        | 'missingColumn'
        | 'notInteger'
        | 'negative'
        | 'notPositive'
        | 'notAmount'
        | 'amountDecimals'
        | 'amountNegative'
        | 'badDate'
        | 'badDateTime'
        | 'badBool'
        | 'duplicate'
        | 'gbkAsUtf8'
        | 'badCsv'
        | 'badJson'
        | 'failed';
    }
  | { code: 'tooLong'; max: number }
  | { code: 'oneOf'; values: readonly string[] }
  | { code: 'badCode'; example: string }
  /** The made-to-size options text does not parse (`problem` says which part, in the spec's own terms). */
  | { code: 'badOptions'; problem: string }
  | { code: 'unknownDealer'; dealerCode: string }
  | { code: 'unknownManager' | 'notRegional'; managerCode: string }
  | { code: 'unknownStore'; storeCode: string }
  | { code: 'unknownSku'; sku: string }
  | { code: 'unknownOrder' | 'unknownReceivable' | 'orderTaken'; orderNo: string }
  | { code: 'otherDealer'; dealerCode: string }
  | { code: 'headerMismatch'; column: string }
  | { code: 'unitRejected'; unit: ImportUnit };

export type ImportReasonCode = ImportReason['code'];

const fixed = <C extends ImportReasonCode>(code: C) => ({ code }) as const;

/** The reasons by name, as core and the file readers raise them. */
export const reasons = {
  required: fixed('required'),
  missingColumn: fixed('missingColumn'),
  notInteger: fixed('notInteger'),
  negative: fixed('negative'),
  notPositive: fixed('notPositive'),
  notAmount: fixed('notAmount'),
  amountDecimals: fixed('amountDecimals'),
  amountNegative: fixed('amountNegative'),
  badDate: fixed('badDate'),
  badDateTime: fixed('badDateTime'),
  badBool: fixed('badBool'),
  duplicate: fixed('duplicate'),
  gbkAsUtf8: fixed('gbkAsUtf8'),
  badCsv: fixed('badCsv'),
  badJson: fixed('badJson'),
  tooLong: (max: number): ImportReason => ({ code: 'tooLong', max }),
  oneOf: (values: readonly string[]): ImportReason => ({ code: 'oneOf', values }),
  badCode: (example: string): ImportReason => ({ code: 'badCode', example }),
  badOptions: (problem: string): ImportReason => ({ code: 'badOptions', problem }),
  unknownDealer: (code: string): ImportReason => ({ code: 'unknownDealer', dealerCode: code }),
  unknownManager: (code: string): ImportReason => ({ code: 'unknownManager', managerCode: code }),
  notRegional: (code: string): ImportReason => ({ code: 'notRegional', managerCode: code }),
  unknownSku: (sku: string): ImportReason => ({ code: 'unknownSku', sku }),
  unknownStore: (code: string): ImportReason => ({ code: 'unknownStore', storeCode: code }),
  unknownOrder: (no: string): ImportReason => ({ code: 'unknownOrder', orderNo: no }),
  unknownReceivable: (no: string): ImportReason => ({ code: 'unknownReceivable', orderNo: no }),
  otherDealer: (dealer: string): ImportReason => ({ code: 'otherDealer', dealerCode: dealer }),
  orderTaken: (orderNo: string): ImportReason => ({ code: 'orderTaken', orderNo }),
  headerMismatch: (column: string): ImportReason => ({ code: 'headerMismatch', column }),
  unitRejected: (unit: ImportUnit): ImportReason => ({ code: 'unitRejected', unit }),
  failed: fixed('failed'),
} satisfies Record<ImportReasonCode, ImportReason | ((...args: never[]) => ImportReason)>;
