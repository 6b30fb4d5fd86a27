import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import pg from 'pg';

/**
 * BEGIN without a round trip of its own, for a node-postgres pool: a transaction's `begin` (or `start transaction …`,
 * text kept) is held back and written with the transaction's first statement — BEGIN's Parse/Bind/Execute, then the
 * statement's Parse/Bind/Describe/Execute, then one Sync — and both are answered in one read; the session is in the
 * transaction block after it, as if BEGIN had gone alone. A transaction that ends (`commit`, `rollback`) before any
 * statement sends nothing. Everything else passes through: a statement outside a transaction, and the commit or
 * rollback of a transaction whose BEGIN went out.
 *
 * A statement error after BEGIN leaves the transaction aborted, as before (the caller's ROLLBACK ends it). A BEGIN that
 * fails (the server refused its text or mode) fails its first statement with its error, and every later statement of
 * that transaction with the same error until its `commit`/`rollback`: nothing runs outside the transaction. A text of
 * several statements (a `;`, no parameters: migrations) cannot run in the extended protocol, and a cursor keeps its
 * own protocol: BEGIN goes alone before them. PGlite has its own driver and none of this.
 */
export interface PipelinedBeginStats {
  /** BEGINs held back until their transaction's first statement. */
  held: number;
  /** BEGINs sent in one write with the transaction's first statement. */
  joined: number;
  /** Transactions ended before any statement: their BEGIN, commit or rollback never sent. */
  dropped: number;
  /** BEGINs sent alone (before a text of several statements or a cursor). */
  alone: number;
  /** Round trips on the wire (each a write answered up to its ReadyForQuery). */
  roundTrips: number;
}

export interface PipelinedBeginPool extends PostgresPool {
  connect(): Promise<PipelinedClient>;
  stats(): PipelinedBeginStats;
}

/** A transaction's opening statement, kept verbatim (`begin`, `start transaction isolation level …`). */
const BEGIN = /^\s*(begin|start\s+transaction)\b[^;]*$/i;
/** A transaction's end that a held BEGIN makes a no-op (not `… and chain`, not `rollback to savepoint`). */
const END = /^\s*(commit|end|rollback|abort)(\s+(work|transaction))?\s*$/i;

/** node-postgres' connection internals a submittable writes to (not in its types). */
interface WireConnection {
  stream: { cork?: () => void; uncork?: () => void; destroy(): void };
  parsedStatements: Record<string, string | undefined>;
  submittedNamedStatements: Record<string, string | undefined>;
  parse(msg: { text: string; name: string; types: number[] }): void;
  bind(msg: { portal: string; statement: string; values: unknown[] }): void;
  execute(msg: { portal: string }): void;
}

/** The handlers node-postgres calls on its active query (pg/lib/client.js), as pg.Query implements them. */
interface ActiveQuery {
  readonly name?: string;
  readonly text: string;
  readonly _result: unknown;
  submit(connection: WireConnection): Error | null;
  requiresPreparation(): boolean;
  handleRowDescription(msg: unknown): void;
  handleDataRow(msg: unknown): void;
  handleCommandComplete(msg: unknown, connection: WireConnection): void;
  handleEmptyQuery(connection: WireConnection): void;
  handlePortalSuspended(connection: WireConnection): void;
  handleError(err: Error, connection: WireConnection): void;
  handleReadyForQuery(connection: WireConnection): void;
  handleCopyInResponse(connection: WireConnection): void;
  handleCopyData(msg: unknown, connection: WireConnection): void;
}

/**
 * BEGIN's messages written ahead of a statement's own, answered under the statement's Sync. node-postgres sees one
 * query: BEGIN's CommandComplete is kept from the statement, whose result is the caller's.
 */
class BeginThen {
  /** BEGIN's CommandComplete arrived: the transaction is open, the rest belongs to the statement. */
  private begun = false;

  constructor(
    private readonly begin: string,
    private readonly statement: ActiveQuery,
    private readonly onBeginFailed: (err: Error) => void,
  ) {}

  /**
   * node-postgres reads the active query's name on ParseComplete (to record it as parsed) and on an error (to forget
   * it): BEGIN's own Parse is unnamed, so the statement's name shows only once BEGIN is through.
   */
  get name(): string | undefined {
    return this.begun ? this.statement.name : undefined;
  }

  get text(): string {
    return this.statement.text;
  }

  /**
   * node-postgres hands the active query's result its connection's type parsers (the pool's `types`: a `date` as
   * text …) through `_result`: the statement's, or its rows would be parsed with the defaults.
   */
  get _result(): unknown {
    return this.statement._result;
  }

  submit(connection: WireConnection): Error | null {
    const name = this.statement.name;
    const previous = name
      ? (connection.parsedStatements[name] ?? connection.submittedNamedStatements[name])
      : undefined;
    // The statement's own check (pg Query.submit), made before BEGIN is written: nothing goes out when it fails.
    if (previous !== undefined && previous !== this.statement.text) {
      return new Error(`Prepared statements must be unique - '${name}' was used for a different statement`);
    }
    connection.stream.cork?.();
    try {
      connection.parse({ text: this.begin, name: '', types: [] });
      connection.bind({ portal: '', statement: '', values: [] });
      connection.execute({ portal: '' });
      return this.statement.submit(connection); // its Parse (unless parsed), Bind, Describe, Execute and the Sync
    } finally {
      connection.stream.uncork?.();
    }
  }

  handleCommandComplete(msg: unknown, connection: WireConnection): void {
    if (this.begun) this.statement.handleCommandComplete(msg, connection);
    else this.begun = true;
  }

  handleError(err: Error, connection: WireConnection): void {
    const name = this.statement.name;
    // node-postgres forgets a name submitted but not parsed by the active query's name, hidden while BEGIN runs.
    if (name && connection.parsedStatements[name] === undefined) delete connection.submittedNamedStatements[name];
    if (!this.begun && err instanceof pg.DatabaseError) this.onBeginFailed(err);
    this.statement.handleError(err, connection);
  }

  handleRowDescription(msg: unknown): void {
    this.statement.handleRowDescription(msg);
  }
  handleDataRow(msg: unknown): void {
    this.statement.handleDataRow(msg);
  }
  handleEmptyQuery(connection: WireConnection): void {
    this.statement.handleEmptyQuery(connection);
  }
  handlePortalSuspended(connection: WireConnection): void {
    this.statement.handlePortalSuspended(connection);
  }
  handleReadyForQuery(connection: WireConnection): void {
    this.statement.handleReadyForQuery(connection);
  }
  handleCopyInResponse(connection: WireConnection): void {
    this.statement.handleCopyInResponse(connection);
  }
  handleCopyData(msg: unknown, connection: WireConnection): void {
    this.statement.handleCopyData(msg, connection);
  }
}

type QueryInput = { name?: string; text: string; values?: ReadonlyArray<unknown> };

/** The result a statement never sent answers with (its command tag, no rows). */
function unsentResult(command: string): pg.QueryResult {
  return { command, rowCount: null, oid: 0, rows: [], fields: [] } as unknown as pg.QueryResult;
}

/** A pooled connection that holds a transaction's BEGIN back until its first statement (see the header). */
export class PipelinedClient implements PostgresPoolClient {
  /** The BEGIN held back, not sent yet. */
  private heldBegin: string | undefined;
  /** The error of a BEGIN the server refused: the transaction's statements fail with it until its end. */
  private failedBegin: Error | undefined;
  readonly connection: WireConnection;

  constructor(
    readonly client: pg.PoolClient,
    private readonly stats: PipelinedBeginStats,
  ) {
    this.connection = (client as unknown as { connection: WireConnection }).connection;
  }

  /** The session's transaction status as the caller sees it: in a transaction while its BEGIN is held. */
  getTransactionStatus(): string | null {
    if (this.failedBegin) return 'E';
    return this.heldBegin === undefined ? this.client.getTransactionStatus() : 'T';
  }

  query<R>(sql: string, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(config: QueryInput): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(
    input: string | QueryInput | PostgresCursor<R>,
    parameters?: ReadonlyArray<unknown>,
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof input === 'string') return this.run({ text: input, values: parameters ?? [] }) as never;
    // A cursor (or any submittable) writes its own messages; it may have a `text` too.
    if (typeof (input as { submit?: unknown }).submit !== 'function') return this.run(input as QueryInput) as never;
    this.sendHeldBeginAlone();
    this.stats.roundTrips++;
    return this.client.query(input as never) as PostgresCursor<R>;
  }

  private async run(input: QueryInput): Promise<pg.QueryResult> {
    const { text } = input;
    const values = (input.values ?? []) as unknown[];
    const end = values.length === 0 ? END.exec(text) : null;
    if (this.failedBegin) {
      if (!end) throw this.failedBegin;
      this.failedBegin = undefined;
      return unsentResult('ROLLBACK'); // a commit finds the transaction aborted, as PostgreSQL answers it
    }
    if (this.heldBegin === undefined) {
      if (values.length === 0 && BEGIN.test(text) && this.client.getTransactionStatus() === 'I') {
        this.heldBegin = text;
        this.stats.held++;
        return unsentResult('BEGIN');
      }
      return this.send(input, values);
    }
    if (end) {
      this.heldBegin = undefined;
      this.stats.dropped++;
      return unsentResult(/^\s*(commit|end)/i.test(text) ? 'COMMIT' : 'ROLLBACK');
    }
    if (input.name === undefined && values.length === 0 && text.includes(';')) {
      this.sendHeldBeginAlone();
      return this.send(input, values);
    }
    const begin = this.heldBegin;
    this.heldBegin = undefined;
    this.stats.joined++;
    this.stats.roundTrips++;
    return new Promise((resolve, reject) => {
      const statement = new pg.Query(
        // Extended protocol even without parameters: a simple Query would not wait for BEGIN's Sync.
        { name: input.name, text, values, queryMode: 'extended' } as pg.QueryConfig,
        (err: Error | undefined, result: pg.QueryResult) => (err ? reject(err) : resolve(result)),
      );
      const joined = new BeginThen(begin, statement as unknown as ActiveQuery, (err) => {
        this.failedBegin = err;
      });
      this.client.query(joined as unknown as pg.Submittable);
    });
  }

  private send(input: QueryInput, values: unknown[]): Promise<pg.QueryResult> {
    this.stats.roundTrips++;
    return this.client.query(input.name === undefined ? { text: input.text, values } : { ...input, values });
  }

  /**
   * Sends the held BEGIN by itself, queued before what follows. Should it fail, the connection is ended before the
   * next query goes out: that one must not run outside its transaction.
   */
  private sendHeldBeginAlone(): void {
    const begin = this.heldBegin;
    if (begin === undefined) return;
    this.heldBegin = undefined;
    this.stats.alone++;
    this.stats.roundTrips++;
    this.client.query(new pg.Query(begin, [], (err: Error | undefined) => err && this.connection.stream.destroy()));
  }

  release(destroy?: boolean): void {
    // A transaction left open without a statement had nothing to roll back.
    this.heldBegin = undefined;
    this.failedBegin = undefined;
    this.client.release(destroy);
  }
}

export function pipelinedBeginPool(pool: pg.Pool): PipelinedBeginPool {
  const stats: PipelinedBeginStats = { held: 0, joined: 0, dropped: 0, alone: 0, roundTrips: 0 };
  const clients = new WeakMap<pg.PoolClient, PipelinedClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let pipelined = clients.get(client);
      if (!pipelined) {
        pipelined = new PipelinedClient(client, stats);
        clients.set(client, pipelined);
      }
      return pipelined;
    },
    end: () => pool.end(),
    stats: () => ({ ...stats }),
  };
}
