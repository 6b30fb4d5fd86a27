import { createHash } from 'node:crypto';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * A bounded plan cache for a node-postgres pool: statements the app sends again and again run as named prepared
 * statements on each connection, so PostgreSQL parses and analyses them once per connection (and, when its
 * `plan_cache_mode = auto` finds a generic plan no worse than the custom ones, plans them once) instead of on every
 * call, as it does for the unnamed statements Kysely sends through node-postgres.
 *
 * Bounded three ways, since the texts vary (IN lists of every length, multi-row VALUES): a text is named only once
 * it was sent `minUses` times (by any connection); at most `maxTracked` texts are counted (least recently used
 * forgotten); at most `maxPerConnection` names live on a connection (past it the least recently used is
 * DEALLOCATEd before the new one is parsed). Never named: anything but one SELECT / INSERT / UPDATE / DELETE / WITH
 * (DDL, migrations, `begin`/`commit`, savepoints, SET), text with a `;` (more than one statement), a queue claim
 * (`for update … skip locked`: its plan must see the actual time and limit — a generic plan of the outbox claim
 * sorts the whole due backlog, 5–10 ms at 10,000 due rows instead of 0.3 ms) unless it says it locks rows by their ids
 * (`LOCKS_BY_IDS`: the turn's `take`), a text longer than `maxTextLength`,
 * and any statement while the connection's transaction is aborted (it fails anyway).
 *
 * node-postgres remembers per connection which names it parsed (a failed Parse is forgotten, so it is parsed again
 * next time); a connection the pool replaces (57P01, a restart) starts empty. A named SELECT * whose table changed
 * shape fails with "cached plan must not change result type": outside a transaction the statement is run again
 * unnamed, and the connection is discarded when released (its other names may be stale too).
 */
export interface PlanCacheOptions {
  /** Named statements per connection (default 100). */
  maxPerConnection?: number;
  /** Uses of a text before it is named (default 2: a text seen once — an IN list of a new length — stays unnamed). */
  minUses?: number;
  /** Distinct texts whose uses are counted (default 2,000). */
  maxTracked?: number;
  /** Longer texts are never named (default 8,000 characters: a 1,000-row VALUES stays unnamed). */
  maxTextLength?: number;
}

/** What the cache did, summed over the pool's connections (tests and benchmarks). */
export interface PlanCacheStats {
  /** Statements sent unnamed. */
  unnamed: number;
  /** Statements sent under a name already parsed on their connection. */
  reused: number;
  /** Names parsed on a connection (first use there). */
  prepared: number;
  /** Names DEALLOCATEd to stay within `maxPerConnection`. */
  evicted: number;
  /** Named statements run again unnamed after "cached plan must not change result type". */
  replanned: number;
}

export interface PlanCachedPool extends PostgresPool {
  stats(): PlanCacheStats;
}

const STATEMENT_START = /^\s*(select|insert|update|delete|with)\b/i;
const SKIP_LOCKED = /\bskip\s+locked\b/i;

/**
 * Put in a `skip locked` statement's text that locks given rows by id (no backlog walked, no limit, no time that
 * picks the rows): it may be named like any other statement. Its plan must cost the same whatever the values (see
 * `InboundStore.take`), or PostgreSQL plans it on every call all the same.
 */
export const LOCKS_BY_IDS = '/* locks by ids */';

/** Whether a statement text may ever run as a named prepared statement (see the header). */
export function isCacheable(text: string, maxTextLength = 8_000): boolean {
  return (
    text.length <= maxTextLength &&
    STATEMENT_START.test(text) &&
    !text.includes(';') &&
    (!SKIP_LOCKED.test(text) || text.includes(LOCKS_BY_IDS))
  );
}

interface Tracked {
  uses: number;
  name?: string;
  /** Never named (see isCacheable). */
  never?: true;
}

/** node-postgres' own record of the names parsed on a connection (not in its types). */
interface WireConnection {
  parsedStatements: Record<string, string | undefined>;
}

/** A connection of the pool the cache wraps: node-postgres' own, or one holding BEGIN back (db/pipelined-begin.ts). */
export interface WireClient {
  query(config: { name?: string; text: string; values?: unknown[] }): Promise<unknown>;
  query(text: string, values?: unknown[]): Promise<unknown>;
  getTransactionStatus(): string | null;
  release(destroy?: boolean): void;
}

export interface WirePool {
  connect(): Promise<WireClient>;
  end(): Promise<void>;
}

export function planCachedPool(pool: WirePool, options: PlanCacheOptions = {}): PlanCachedPool {
  const maxPerConnection = options.maxPerConnection ?? 100;
  const minUses = options.maxPerConnection === 0 ? Number.POSITIVE_INFINITY : (options.minUses ?? 2);
  const maxTracked = options.maxTracked ?? 2_000;
  const maxTextLength = options.maxTextLength ?? 8_000;
  const stats: PlanCacheStats = { unnamed: 0, reused: 0, prepared: 0, evicted: 0, replanned: 0 };
  /** Text → uses and, once admitted, its name. Map order is recency (a hit moves the entry to the end). */
  const tracked = new Map<string, Tracked>();
  const clients = new WeakMap<WireClient, CachedClient>();

  /** The name to send `text` under, or undefined to send it unnamed. */
  function nameOf(text: string): string | undefined {
    if (text.length > maxTextLength) return undefined; // not even counted: 2,000 long texts would hold megabytes
    let t = tracked.get(text);
    if (t) tracked.delete(text);
    else {
      t = isCacheable(text, maxTextLength) ? { uses: 0 } : { uses: 0, never: true };
      if (tracked.size >= maxTracked) tracked.delete(tracked.keys().next().value as string);
    }
    tracked.set(text, t);
    if (t.never) return undefined;
    t.uses++;
    if (t.name === undefined && t.uses >= minUses) {
      // From the text alone: a text forgotten and counted again gets the name its connections already parsed.
      t.name = `gs_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    }
    return t.name;
  }

  class CachedClient implements PostgresPoolClient {
    /** Names parsed on this connection, least recently used first. */
    readonly names = new Set<string>();
    stale = false;
    readonly wire: WireConnection;

    constructor(readonly client: WireClient) {
      this.wire = (client as unknown as { connection: WireConnection }).connection;
    }

    query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
    query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
    query<R>(
      sqlOrCursor: string | PostgresCursor<R>,
      parameters?: ReadonlyArray<unknown>,
    ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
      if (typeof sqlOrCursor !== 'string')
        return (this.client.query as (c: unknown) => unknown).call(this.client, sqlOrCursor) as never;
      return this.run<R>(sqlOrCursor, parameters ?? []);
    }

    private async run<R>(text: string, values: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
      // Before this statement (I idle: it runs in a transaction of its own, T in a transaction, E aborted).
      const before = this.client.getTransactionStatus();
      const name = before === 'E' ? undefined : nameOf(text);
      if (name === undefined) {
        stats.unnamed++;
        return this.unnamed<R>(text, values);
      }
      if (this.wire.parsedStatements[name] === text) {
        this.names.delete(name);
        stats.reused++;
      } else {
        if (this.names.size >= maxPerConnection && !(await this.evictOldest())) {
          stats.unnamed++;
          return this.unnamed<R>(text, values);
        }
        stats.prepared++;
      }
      this.names.add(name);
      try {
        return (await this.client.query({ name, text, values: values as unknown[] })) as never;
      } catch (e) {
        // A failed Parse is not kept by node-postgres: it is parsed again next time.
        if (this.wire.parsedStatements[name] === undefined) this.names.delete(name);
        if (!isStalePlan(e)) throw e;
        this.stale = true;
        if (before !== 'I') throw e; // inside a transaction: that transaction is aborted now
        stats.replanned++;
        return this.unnamed<R>(text, values);
      }
    }

    private async unnamed<R>(text: string, values: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
      return (await this.client.query(text, values as unknown[])) as never;
    }

    /** DEALLOCATEs this connection's least recently used name; false when it cannot (an aborted transaction). */
    private async evictOldest(): Promise<boolean> {
      const oldest = this.names.values().next().value;
      if (oldest === undefined) return true;
      try {
        await this.client.query(`deallocate "${oldest}"`);
      } catch (e) {
        // Gone already (26000) is as good as deallocated; anything else (an aborted transaction) keeps it.
        if ((e as { code?: string }).code !== '26000') return false;
      }
      this.names.delete(oldest);
      delete this.wire.parsedStatements[oldest];
      stats.evicted++;
      return true;
    }

    release(destroy?: boolean): void {
      this.client.release(destroy || this.stale);
    }
  }

  return {
    async connect() {
      const client = await pool.connect();
      let cached = clients.get(client);
      if (!cached) {
        cached = new CachedClient(client);
        clients.set(client, cached);
      }
      return cached;
    },
    end: () => pool.end(),
    stats: () => ({ ...stats }),
  };
}

/** PostgreSQL's answer to a named statement whose result columns changed (a DDL since it was parsed). */
function isStalePlan(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err.code === '0A000' && /cached plan must not change result type/.test(err.message ?? '');
}
