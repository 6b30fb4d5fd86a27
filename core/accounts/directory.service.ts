import { AccountError } from './accounts.errors.js';
import type { DirectoryMatch } from './accounts.types.js';
import { matchDealers } from './name-match.js';
import type { DirectoryStore } from './ports.js';

export const DIRECTORY_MATCH_LIMIT = 5;
/** The best match is taken without asking when it is this far ahead of the next one. */
export const CLEAR_LEAD = 0.15;

export type DirectoryOutcome =
  | { kind: 'one'; match: DirectoryMatch }
  | { kind: 'several'; matches: DirectoryMatch[] }
  | { kind: 'none' };

/** One dealer when the search leaves no doubt (a single match, or a clear lead), else the list to pick from. */
export function decideMatch(matches: readonly DirectoryMatch[]): DirectoryOutcome {
  const [best, next] = matches;
  if (!best) return { kind: 'none' };
  if (!next || best.score - next.score >= CLEAR_LEAD) return { kind: 'one', match: best };
  return { kind: 'several', matches: [...matches] };
}

/**
 * Finds a manager's dealer by (part of) its name (`am.dealer.lookup` with `dealer_name`): typos, homophones and
 * "老王" for a contact's surname are tolerated; only the manager's own dealers (a regional manager: the region).
 *
 * @example
 * const hits = await new DirectoryService(new DealerSearchRepository(trx)).searchByName({ managerCode: 'M003', text: '老王建材' });
 * decideMatch(hits); // 'one' → NeedsService.lookupDealer with its code; 'several' → let the manager pick
 */
export class DirectoryService {
  constructor(private readonly store: DirectoryStore) {}

  async searchByName(input: { managerCode: string; text: string; limit?: number }): Promise<DirectoryMatch[]> {
    const manager = await this.store.manager(input.managerCode);
    if (!manager)
      throw new AccountError('ACCOUNT.MANAGER_NOT_FOUND', 'not a manager', { managerCode: input.managerCode });
    const entries = await this.store.dealersInScope(manager);
    return matchDealers(input.text, entries, input.limit ?? DIRECTORY_MATCH_LIMIT);
  }
}
