import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import pg from 'pg';

/**
 * BEGIN and COMMIT without round trips of their own, for a node-postgres pool.
 *
 * BEGIN: a transaction's `begin` (or `start transaction …`, text kept) is held back and written with the
 * transaction's first statement — BEGIN's Parse/Bind/Execute, then the statement's Parse/Bind/Describe/Execute, then
 * one Sync — and both are answered in one read; the session is in the transaction block after it, as if BEGIN had
 * gone alone. A transaction that ends (`commit`, `rollback`) before any statement sends nothing. Everything else
 * passes through: a statement outside a transaction, and the commit or rollback of a transaction whose BEGIN went out.
 *
 * A statement error after BEGIN leaves the transaction aborted, as before (the caller's ROLLBACK ends it). A BEGIN that
 * fails (the server refused its text or mode) fails its first statement with its error, and every later statement of
 * that transaction with the same error until its `commit`/`rollback`: nothing runs outside the transaction. A text of
 * several statements (a `;`, no parameters: migrations) cannot run in the extended protocol, and a cursor keeps its
 * own protocol: BEGIN goes alone before them. PGlite has its own driver and none of this.
 *
 * COMMIT: a statement whose text ends with `THEN_COMMIT` (the transaction's last, see `TransactionControl.commitWith`)
 * sent in a transaction is written with COMMIT's Parse/Bind/Execute behind it, before its Sync (and the held BEGIN's
 * messages before it, if any): statement and COMMIT answered in one read. Its rows are the caller's. A statement
 * error makes PostgreSQL skip the COMMIT: the transaction is aborted as before. A COMMIT that fails (a deferred
 * constraint, a serialization failure, the connection lost) fails the statement with its error: the caller never
 * believes it committed, and its rollback is answered here (nothing is left to roll back). Once it committed, the
 * caller's `commit` is answered here; a `rollback` instead, or any statement before the end, rejects with an Error
 * and sends nothing (it would run outside the transaction).
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
  /** COMMITs written with their transaction's last statement (`THEN_COMMIT`): no round trip of their own. */
  commitJoined: number;
  /** Round trips on the wire (each a write answered up to its ReadyForQuery). */
  roundTrips: number;
}

export interface PipelinedBeginPool extends PostgresPool {
  connect(): Promise<PipelinedClient>;
  stats(): PipelinedBeginStats;
}

/**
 * Appended to the text of a transaction's last statement (`compiledOnce` on a handle in `commitWith`): COMMIT goes out
 * behind it, in one write. A comment: PGlite, or PostgreSQL with this pool off, run the text as it is.
 */
export const THEN_COMMIT = ' /* then commit */';

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

/** What a `Joined` statement carries around it. */
interface Around {
  /** The held BEGIN's text, written before the statement. */
  begin?: string;
  /** COMMIT written behind the statement, before its Sync. */
  commit?: boolean;
  /** The BEGIN written before the statement failed: the transaction never opened. */
  onBeginFailed(err: Error): void;
  /** The COMMIT behind the statement ran: committed (no error) or not (its error). */
  onCommitEnded(err?: Error): void;
}

/**
 * A statement with BEGIN's messages written ahead of its own and/or COMMIT's behind them, all answered under the
 * statement's one Sync. node-postgres sees one query: BEGIN's and COMMIT's CommandComplete are kept from the
 * statement, whose result is the caller's. A COMMIT's error becomes the statement's.
 */
class Joined {
  /** Whose answers arrive now: BEGIN's, the statement's, COMMIT's. */
  private phase: 'begin' | 'statement' | 'commit' | 'done';

  constructor(
    private readonly statement: ActiveQuery,
    private readonly around: Around,
  ) {
    this.phase = around.begin === undefined ? 'statement' : 'begin';
  }

  /**
   * node-postgres reads the active query's name on ParseComplete (to record it as parsed) and on an error (to forget
   * it): BEGIN's and COMMIT's own Parse are unnamed, so the statement's name shows only while its answers arrive.
   */
  get name(): string | undefined {
    return this.phase === 'statement' ? this.statement.name : undefined;
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
      if (this.around.begin !== undefined) unnamed(connection, this.around.begin);
      if (!this.around.commit) return this.statement.submit(connection); // Parse (unless parsed), Bind, Describe, Execute, Sync
      // COMMIT right behind the statement's Execute, before its Sync: not written when the statement never got to its
      // Execute (a value that failed to bind closes and syncs without one).
      let executed = false;
      const wire: WireConnection = Object.create(connection, {
        execute: {
          value(msg: { portal: string }) {
            connection.execute(msg);
            if (executed) return;
            executed = true;
            unnamed(connection, 'commit');
          },
        },
      });
      return this.statement.submit(wire);
    } finally {
      connection.stream.uncork?.();
    }
  }

  handleCommandComplete(msg: unknown, connection: WireConnection): void {
    if (this.phase === 'statement') {
      this.statement.handleCommandComplete(msg, connection);
      this.phase = this.around.commit ? 'commit' : 'done';
    } else if (this.phase === 'begin') {
      this.phase = 'statement';
    } else if (this.phase === 'commit') {
      this.phase = 'done';
      this.around.onCommitEnded();
    }
  }

  handleEmptyQuery(connection: WireConnection): void {
    // An empty text answers EmptyQuery instead of CommandComplete.
    this.statement.handleEmptyQuery(connection);
    if (this.phase === 'statement') this.phase = this.around.commit ? 'commit' : 'done';
  }

  handleError(err: Error, connection: WireConnection): void {
    const name = this.statement.name;
    // node-postgres forgets a name submitted but not parsed by the active query's name, hidden while BEGIN runs.
    if (name && connection.parsedStatements[name] === undefined) delete connection.submittedNamedStatements[name];
    if (this.phase === 'begin' && err instanceof pg.DatabaseError) this.around.onBeginFailed(err);
    // The statement ran; its COMMIT did not (or the connection went before its answer): nothing is committed for the
    // caller, who gets the COMMIT's error.
    if (this.phase === 'commit') this.around.onCommitEnded(err);
    this.phase = 'done';
    this.statement.handleError(err, connection);
  }

  handleRowDescription(msg: unknown): void {
    this.statement.handleRowDescription(msg);
  }
  handleDataRow(msg: unknown): void {
    this.statement.handleDataRow(msg);
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

/** A parameterless statement's Parse/Bind/Execute (unnamed statement and portal), answered under a later Sync. */
function unnamed(connection: WireConnection, text: string): void {
  connection.parse({ text, name: '', types: [] });
  connection.bind({ portal: '', statement: '', values: [] });
  connection.execute({ portal: '' });
}

/** A statement after the transaction's last one (`THEN_COMMIT`): it would run outside the transaction. */
function afterLast(): Error {
  return new Error(
    "a statement after the transaction's last one (commitWith), whose COMMIT went with it: not sent, it would run " +
      'outside the transaction',
  );
}

type QueryInput = { name?: string; text: string; values?: ReadonlyArray<unknown> };

/** The result a statement never sent answers with (its command tag, no rows). */
function unsentResult(command: string): pg.QueryResult {
  return { command, rowCount: null, oid: 0, rows: [], fields: [] } as unknown as pg.QueryResult;
}

/** The transaction ended with its last statement (`THEN_COMMIT`): committed, or not with this error. */
interface Ended {
  error?: Error;
}

/**
 * A pooled connection that holds a transaction's BEGIN back until its first statement, and writes COMMIT with a
 * statement marked as the transaction's last (see the header).
 */
export class PipelinedClient implements PostgresPoolClient {
  /** The BEGIN held back, not sent yet. */
  private heldBegin: string | undefined;
  /** The error of a BEGIN the server refused: the transaction's statements fail with it until its end. */
  private failedBegin: Error | undefined;
  /** The COMMIT went with the transaction's last statement: nothing more runs until the caller ends it. */
  private ended: Ended | undefined;
  /**
   * The connection failed during a COMMIT that went with a statement (FATAL, or gone): released destroyed. The
   * caller's rollback is answered here, so no round trip would show the pool that the connection is dead.
   */
  private broken = false;
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
    if (this.ended) throw afterLast();
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
    if (this.ended) return this.afterEnded(this.ended, end);
    // One statement in the extended protocol (a text of several statements cannot go there).
    const extended = !(input.name === undefined && values.length === 0 && text.includes(';'));
    const last = extended && text.endsWith(THEN_COMMIT);
    if (this.heldBegin === undefined) {
      if (values.length === 0 && BEGIN.test(text) && this.client.getTransactionStatus() === 'I') {
        this.heldBegin = text;
        this.stats.held++;
        return unsentResult('BEGIN');
      }
      // In a transaction whose BEGIN went out (not aborted: that statement fails all the same, COMMIT or not).
      if (last && this.client.getTransactionStatus() === 'T') return this.joined(input, values, undefined, true);
      return this.send(input, values);
    }
    if (end) {
      this.heldBegin = undefined;
      this.stats.dropped++;
      return unsentResult(/^\s*(commit|end)/i.test(text) ? 'COMMIT' : 'ROLLBACK');
    }
    if (!extended) {
      this.sendHeldBeginAlone();
      return this.send(input, values);
    }
    const begin = this.heldBegin;
    this.heldBegin = undefined;
    this.stats.joined++;
    return this.joined(input, values, begin, last);
  }

  /** The statement with the held BEGIN before it and/or COMMIT behind it, in one write and one round trip. */
  private joined(input: QueryInput, values: unknown[], begin: string | undefined, commit: boolean) {
    if (commit) this.stats.commitJoined++;
    this.stats.roundTrips++;
    return new Promise<pg.QueryResult>((resolve, reject) => {
      const statement = new pg.Query(
        // Extended protocol even without parameters: a simple Query would not wait for BEGIN's Sync.
        { name: input.name, text: input.text, values, queryMode: 'extended' } as pg.QueryConfig,
        (err: Error | undefined, result: pg.QueryResult) => (err ? reject(err) : resolve(result)),
      );
      const joined = new Joined(statement as unknown as ActiveQuery, {
        begin,
        commit,
        onBeginFailed: (err) => {
          this.failedBegin = err;
        },
        onCommitEnded: (error) => {
          this.ended = error ? { error } : {};
          if (error && !(error instanceof pg.DatabaseError && error.severity === 'ERROR')) this.broken = true;
        },
      });
      this.client.query(joined as unknown as pg.Submittable);
    });
  }

  /**
   * After the transaction's last statement and its COMMIT: the caller's `commit` is answered here (with the COMMIT's
   * error if it failed); a `rollback` is too when nothing committed, and rejects when it did; anything else would run
   * outside the transaction and rejects unsent.
   */
  private afterEnded(ended: Ended, end: RegExpExecArray | null): pg.QueryResult {
    if (!end) throw afterLast();
    if (/^(commit|end)$/i.test(end[1]!)) {
      // A failed COMMIT keeps its state: Kysely's rollback follows the error and is answered here too.
      if (ended.error) throw ended.error;
      this.ended = undefined;
      return unsentResult('COMMIT');
    }
    this.ended = undefined;
    if (ended.error) return unsentResult('ROLLBACK');
    throw new Error(
      'rollback after the transaction committed with its last statement (commitWith): its work is committed; ' +
        'nothing that can fail may follow that statement',
    );
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
    this.ended = undefined;
    this.failedBegin = undefined;
    const broken = this.broken;
    this.broken = false;
    this.client.release(destroy || broken);
  }
}

export function pipelinedBeginPool(pool: pg.Pool): PipelinedBeginPool {
  const stats: PipelinedBeginStats = { held: 0, joined: 0, dropped: 0, alone: 0, commitJoined: 0, roundTrips: 0 };
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
