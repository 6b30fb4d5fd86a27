import { shanghaiDate } from '../common/time.js';
import type { CadenceTable } from './cadence.js';
import { ContactError } from './contacts.errors.js';
import type { ContactManager } from './contacts.types.js';
import type { PortfolioStore } from './ports.js';
import {
  filterPortfolio,
  type PlannedContact,
  planContacts,
  type PortfolioDealer,
  type PortfolioFilter,
  tierCounts,
} from './portfolio.js';
import type { Tier } from '../dealers/tiers.js';

/** A manager's dealers (`am.dealer.list`): all of them counted by tier, the filtered ones by weight. */
export interface DealerPortfolio {
  manager: ContactManager;
  total: number;
  byTier: Record<Tier, number>;
  /** The dealers the filter kept, biggest accounts first. */
  dealers: PortfolioDealer[];
  filter: { tier?: Tier; place?: string };
}

/** Whom to contact this week (`am.contact.plan`), most pressing first. */
export interface ContactPlan {
  manager: ContactManager;
  today: string;
  total: number;
  planned: PlannedContact[];
  /** Dealers with some reason to be contacted (the plan names the first of them). */
  candidates: number;
}

/**
 * An account manager's portfolio read from chat: "我名下几家经销商" and "这周该联系谁". Only the manager's own dealers (a
 * regional manager: their team's), read through the store in a few set-based statements.
 *
 * @example
 * const plan = await portfolio.contactPlan({ managerCode: 'M001', now });
 * plan.planned[0]; // { dealer: { code: 'D0012', … }, reasons: [{ kind: 'need_overdue', count: 1 }, …], score: 130 }
 */
export class PortfolioService {
  constructor(private readonly p: { store: PortfolioStore; cadence: CadenceTable }) {}

  async dealers(input: { managerCode: string; now: Date; filter?: PortfolioFilter }): Promise<DealerPortfolio> {
    const { manager, dealers } = await this.load(input.managerCode, input.now);
    const kept = filterPortfolio(dealers, input.filter ?? {});
    return {
      manager,
      total: dealers.length,
      byTier: tierCounts(dealers),
      dealers: kept.dealers,
      filter: {
        ...(input.filter?.tier ? { tier: input.filter.tier } : {}),
        ...(kept.place ? { place: kept.place } : {}),
      },
    };
  }

  async contactPlan(input: { managerCode: string; now: Date; size?: number }): Promise<ContactPlan> {
    const { manager, dealers } = await this.load(input.managerCode, input.now);
    const today = shanghaiDate(input.now);
    const codes = dealers.map((d) => d.code);
    // Sequential on purpose: the store may be a single-connection transaction.
    const birthdays = await this.p.store.birthdays(codes);
    const positions = await this.p.store.stockPositions(codes, today);
    const { planned, candidates } = planContacts(
      dealers,
      { today, cadence: this.p.cadence, birthdays, positions },
      input.size,
    );
    return { manager, today, total: dealers.length, planned, candidates };
  }

  private async load(managerCode: string, now: Date): Promise<{ manager: ContactManager; dealers: PortfolioDealer[] }> {
    const manager = await this.p.store.manager(managerCode);
    if (!manager) throw new ContactError('CONTACT.MANAGER_NOT_FOUND', 'not a manager', { managerCode });
    return { manager, dealers: await this.p.store.portfolio(manager, now) };
  }
}
