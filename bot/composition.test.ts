import { Kysely, PostgresDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SLA } from '../core/needs/sla.js';
import type { Database } from '../db/schema.js';
import { servicesFactory } from './composition.js';

// Building services touches no database: a handle that is never connected is enough.
const handle = () => new Kysely<Database>({ dialect: new PostgresDialect({ pool: async () => ({}) as never }) });
const services = servicesFactory({ settings: { needSla: DEFAULT_SLA } });

describe('servicesFactory', () => {
  it('builds each service once per services object, on that object’s handle', () => {
    const db = handle();
    const a = services(db);
    const b = services(db);
    // One store per turn: the order repository's reads are remembered per store, for the turn's transaction.
    expect(a.orders).toBe(a.orders);
    expect(a.conversation).toBe(a.conversation);
    expect(a.orders).not.toBe(b.orders);
    expect(a.statementLinks).toBe(b.statementLinks);
    expect(typeof a.runJob).toBe('function');
    expect('importOffers' in a).toBe(true);
  });
});
