/**
 * A real local HTTP server speaking K/3 Cloud WebAPI shapes for the ERP sync tests: ValidateUser (session cookie
 * `kdservice-sessionid`), ExecuteBillQuery (rows as arrays of values in FieldKeys order, filtered, ordered, paged by
 * StartRow/Limit), errors as K/3 Cloud answers them (`[[{"Result":{"ResponseStatus":{…}}}]]`). Faults: a query
 * page failing (HTTP 500 or a K/3 Cloud error) for a number of calls, slow answers, expired sessions.
 * With `app` set it also takes the signed-header login (第三方系统登录授权): every query's `X-Kd-*` and `X-Api-*`
 * headers are checked (app id, account data, both signatures, a timestamp within 5 minutes) and a request that
 * fails the check is refused like a lost session is not: a K/3 Cloud error naming the reason.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BillQuery } from '../../../adapters/erp/kingdee/kingdee.client.js';
import { decodeAppSecret, kingdeeHmac } from '../../../adapters/erp/kingdee/kingdee.signing.js';

const VALIDATE_USER = '/k3cloud/Kingdee.BOS.WebApi.ServicesStub.AuthService.ValidateUser.common.kdsvc';
const EXECUTE_BILL_QUERY = '/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.ExecuteBillQuery.common.kdsvc';

export type FakeKingdeeRow = Record<string, string | number | null>;

export interface FakeKingdeeCall {
  service: 'ValidateUser' | 'ExecuteBillQuery' | 'unknown';
  /** ExecuteBillQuery's parameters (its `data`). */
  query?: BillQuery;
  /** What the fake answered: rows, or the failure. */
  answered: 'rows' | 'http500' | 'error' | 'session' | 'login' | 'refused' | 'unsigned' | 'gateway';
  rows?: number;
}

export interface FakeQueryFault {
  form?: string;
  /** Only the page starting at this row. */
  startRow?: number;
  /** `gateway`: the API gateway's refusal, HTTP 519 with an errcode (a stale timestamp). */
  kind: 'http500' | 'error' | 'gateway';
  /** How many matching calls fail (default 1). */
  times?: number;
}

export interface FakeKingdee {
  /** The site URL the client is configured with (…/k3cloud/). */
  baseUrl: string;
  calls: FakeKingdeeCall[];
  /** The live rows of a form (field key → value); tests add, change and delete them. */
  rows(form: string): FakeKingdeeRow[];
  failQuery(fault: FakeQueryFault): void;
  /** Wait this long before every answer. */
  delayMs: number;
  /** Every session issued so far is lost: the next query answers MsgCode 1. */
  expireSessions(): void;
  queries(form?: string): NonNullable<FakeKingdeeCall['query']>[];
  close(): Promise<void>;
}

const failure = (message: string, msgCode = 0) => [
  [
    {
      Result: {
        ResponseStatus: {
          ErrorCode: 500,
          IsSuccess: false,
          Errors: [{ FieldName: null, Message: message, DIndex: 0 }],
          SuccessEntitys: [],
          SuccessMessages: [],
          MsgCode: msgCode,
        },
      },
    },
  ],
];

/** Dates compare as text once 'T' and ' ' agree; numbers as numbers. */
function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a ?? '').replace('T', ' '), String(b ?? '').replace('T', ' ')];
  if (/^\d+$/.test(x) && /^\d+$/.test(y)) return Number(x) - Number(y);
  return x < y ? -1 : x > y ? 1 : 0;
}

type Clause = (row: FakeKingdeeRow) => boolean;
const CLAUSE = /([A-Za-z_][\w.]*)\s*(?:(>=|<=|<>|=|<|>)\s*('(?:[^']|'')*'|\d+)|\s+IN\s*\(([^)]*)\))/gi;

/** The subset of K/3 Cloud's FilterString the sync sends: clauses joined by AND (parentheses ignored). */
function parseFilter(filter: string): Clause[] | null {
  if (/\bOR\b/i.test(filter)) return null;
  const clauses: Clause[] = [];
  for (const m of filter.matchAll(CLAUSE)) {
    const [, field, op, value, list] = m;
    const unquote = (v: string) => (v.startsWith("'") ? v.slice(1, -1).replaceAll("''", "'") : v);
    if (list !== undefined) {
      const set = list.split(',').map((v) => unquote(v.trim()));
      clauses.push((r) => set.some((v) => compare(r[field!], v) === 0));
      continue;
    }
    const v = unquote(value!);
    const test: Record<string, (c: number) => boolean> = {
      '=': (c) => c === 0,
      '<>': (c) => c !== 0,
      '>=': (c) => c >= 0,
      '<=': (c) => c <= 0,
      '>': (c) => c > 0,
      '<': (c) => c < 0,
    };
    clauses.push((r) => test[op!]!(compare(r[field!], v)));
  }
  return clauses;
}

/** The app K/3 Cloud's 第三方系统登录授权 issued: what a signed request must have been signed with. */
export interface FakeKingdeeApp {
  appId: string;
  appSecret: string;
  orgNum?: string;
}

const MAX_SKEW_SEC = 300;

/** Why a signed request is refused, or null when its headers are what the app's credentials produce. */
function signatureProblem(
  req: IncomingMessage,
  path: string,
  app: FakeKingdeeApp,
  account: { acctId: string; username: string },
): string | null {
  const h = (name: string) => String(req.headers[name.toLowerCase()] ?? '');
  if (h('X-Kd-Appkey') !== app.appId) return '应用ID不存在';
  const data = Buffer.from(h('X-Kd-Appdata'), 'base64').toString('utf8');
  if (data !== `${account.acctId},${account.username},2052,${app.orgNum ?? '0'}`) return '账套或集成用户不正确';
  if (h('X-Kd-Signature') !== kingdeeHmac(app.appId + data, app.appSecret)) return '应用签名校验失败';
  const [clientId, key] = app.appId.split('_');
  if (!key) return null;
  if (h('X-Api-ClientID') !== clientId || h('X-Api-Auth-Version') !== '2.0') return '网关应用ID不正确';
  if (h('x-api-signheaders').toLowerCase() !== 'x-api-timestamp,x-api-nonce') return '签名头不正确';
  const [nonce, timestamp] = [h('x-api-nonce'), h('x-api-timestamp')];
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > MAX_SKEW_SEC) {
    return `X-Api-TimeStamp过期: ${timestamp}`;
  }
  const text = `POST\n${encodeURIComponent(path)}\n\nx-api-nonce:${nonce}\nx-api-timestamp:${timestamp}\n`;
  if (h('X-Api-Signature') !== kingdeeHmac(text, decodeAppSecret(key))) return '网关签名校验失败';
  return null;
}

export async function startFakeKingdee(
  opts: { acctId?: string; username?: string; password?: string; app?: FakeKingdeeApp } = {},
): Promise<FakeKingdee> {
  const tables = new Map<string, FakeKingdeeRow[]>();
  const sessions = new Set<string>();
  const faults: Required<FakeQueryFault>[] = [];
  const calls: FakeKingdeeCall[] = [];
  const creds = { acctId: opts.acctId ?? 'K01', username: opts.username ?? 'api', password: opts.password ?? 'secret' };

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string | string[]> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      body = {};
    }
    if (fake.delayMs > 0) await new Promise((r) => setTimeout(r, fake.delayMs));
    const path = (req.url ?? '').split('?')[0];

    if (path === VALIDATE_USER) {
      const [acctId, username, password] = (body.parameters as unknown[]) ?? [];
      if (acctId !== creds.acctId || username !== creds.username || password !== creds.password) {
        calls.push({ service: 'ValidateUser', answered: 'refused' });
        return send(res, 200, { Message: '用户名或密码错误！', LoginResultType: 0, KDSVCSessionId: null });
      }
      const session = randomUUID();
      sessions.add(session);
      calls.push({ service: 'ValidateUser', answered: 'login' });
      return send(
        res,
        200,
        { Message: null, MessageCode: 'CheckPasswordPolicy', LoginResultType: 1, KDSVCSessionId: session, Lcid: 2052 },
        {
          'set-cookie': [
            `kdservice-sessionid=${session}; path=/`,
            `ASP.NET_SessionId=${randomUUID()}; path=/; HttpOnly`,
          ],
        },
      );
    }

    if (path === EXECUTE_BILL_QUERY) {
      const raw = body.data;
      const query = (typeof raw === 'string' ? JSON.parse(raw) : raw) as NonNullable<FakeKingdeeCall['query']>;
      const session = /kdservice-sessionid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      const signedRequest = opts.app !== undefined && req.headers['x-kd-appkey'] !== undefined;
      if (signedRequest) {
        const problem = signatureProblem(req, path!, opts.app!, creds);
        if (problem) {
          calls.push({ service: 'ExecuteBillQuery', query, answered: 'unsigned' });
          return send(res, 200, failure(`第三方系统登录授权校验失败：${problem}`));
        }
      } else if (!session || !sessions.has(session)) {
        calls.push({ service: 'ExecuteBillQuery', query, answered: 'session' });
        return send(res, 200, failure('会话信息已丢失，请重新登录', 1));
      }
      const fault = faults.find(
        (f) => (f.form === '' || f.form === query.FormId) && (f.startRow < 0 || f.startRow === query.StartRow),
      );
      if (fault) {
        if (--fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
        calls.push({ service: 'ExecuteBillQuery', query, answered: fault.kind });
        if (fault.kind === 'http500') return send(res, 500, '<html>Internal Server Error</html>');
        if (fault.kind === 'gateway') {
          return send(res, 519, {
            errcode: 4006,
            description: 'Unauthorized, errDescEn: X-Api-TimeStamp is invalid[GW]',
            description_cn: '认证失败, errDescCn: X-Api-TimeStamp过期[网关]',
          });
        }
        return send(res, 200, failure('数据库连接超时'));
      }
      const clauses = parseFilter(query.FilterString ?? '');
      const fields = (query.FieldKeys ?? '').split(',').map((f) => f.trim());
      const rows = tables.get(query.FormId);
      if (!clauses || !rows) {
        calls.push({ service: 'ExecuteBillQuery', query, answered: 'error' });
        return send(res, 200, failure(clauses ? `业务对象 ${query.FormId} 不存在` : '过滤条件不支持'));
      }
      const unknown = fields.find((f) => rows.length > 0 && !(f in rows[0]!));
      if (unknown) {
        calls.push({ service: 'ExecuteBillQuery', query, answered: 'error' });
        return send(res, 200, failure(`字段 ${unknown} 不存在`));
      }
      const order = (query.OrderString ?? '')
        .split(',')
        .map((o) => o.trim().split(/\s+/)[0]!)
        .filter(Boolean);
      const matched = rows
        .filter((r) => clauses.every((c) => c(r)))
        .sort((a, b) => {
          for (const f of order) {
            const c = compare(a[f], b[f]);
            if (c !== 0) return c;
          }
          return 0;
        });
      const start = query.StartRow ?? 0;
      const page = query.Limit > 0 ? matched.slice(start, start + query.Limit) : matched.slice(start);
      calls.push({ service: 'ExecuteBillQuery', query, answered: 'rows', rows: page.length });
      return send(
        res,
        200,
        page.map((r) => fields.map((f) => r[f] ?? null)),
      );
    }
    calls.push({ service: 'unknown', answered: 'error' });
    return send(res, 404, '<html>Not Found</html>');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, '<html>error</html>'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  const fake: FakeKingdee = {
    baseUrl: `http://127.0.0.1:${port}/k3cloud/`,
    calls,
    delayMs: 0,
    rows(form) {
      const t = tables.get(form) ?? [];
      tables.set(form, t);
      return t;
    },
    failQuery(f) {
      faults.push({ form: f.form ?? '', startRow: f.startRow ?? -1, kind: f.kind, times: f.times ?? 1 });
    },
    expireSessions() {
      sessions.clear();
    },
    queries(form) {
      return calls.flatMap((c) => (c.query && (!form || c.query.FormId === form) ? [c.query] : []));
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  return fake;
}
