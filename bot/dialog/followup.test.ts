import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCatalogCsv } from '../../core/catalog/catalog.csv.js';
import { CatalogMatcher } from '../nlu/catalog.matcher.js';
import { DEFAULT_CATALOG_PATH, DEFAULT_EVAL_NOW } from '../nlu/nlu.eval.js';
import type { ParseContext } from '../nlu/nlu.types.js';
import { nextState } from './engine.js';
import { followUpOf, followUpTurn } from './followup.js';

const matcher = new CatalogMatcher(parseCatalogCsv(readFileSync(DEFAULT_CATALOG_PATH, 'utf8')));
const dealer: ParseContext = { sender: 'dealer', now: DEFAULT_EVAL_NOW };

describe('"X呢" after a question', () => {
  it('asks the question just answered of the new product, for one message only', () => {
    const asked = { kind: 'parsed', intent: 'sales.query', slots: { period: '2026-10' }, confidence: 1 } as const;
    const followUp = followUpOf({ intent: 'sales.query', slots: asked.slots, result: asked }, { replies: [] });
    expect(followUp).toEqual({ intent: 'sales.query', period: '2026-10' });
    const turn = followUpTurn({ followUp }, '那a70呢', dealer, matcher);
    expect(turn).toMatchObject({ intent: 'sales.query', slots: { items: [{ sku: 'KW-A70' }], period: '2026-10' } });
    // Not while the bot's own question waits, nor after an answer that asked something back.
    expect(followUpTurn({ followUp, awaiting: 'clarify_qty' }, '那a70呢', dealer, matcher)).toBeNull();
    const askedBack = { replies: [], state: { awaiting: 'clarify_product' as const } };
    expect(followUpOf({ intent: 'stock.query', slots: {}, result: asked }, askedBack)).toBeUndefined();
    // Nor is anything else a follow-up: an order is an order.
    expect(followUpOf({ intent: 'order.place', slots: {}, result: asked }, { replies: [] })).toBeUndefined();
    // The next turn that does not set it again forgets it.
    expect(nextState({ followUp, lastDraftId: 'd1' }, undefined, undefined)).toEqual({ lastDraftId: 'd1' });
  });
});
