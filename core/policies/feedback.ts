import { DomainError } from '../common/errors.js';
import type { PolicyKind } from './policy.types.js';
import type { PolicyStore } from './ports.js';

/** A dealer's comment on a policy, as listed for HQ. */
export interface PolicyComment {
  policyCode: string;
  dealerCode: string;
  text: string;
  at: Date;
}

/** Where comments are kept (db/repositories/policy-feedback.repository.ts, table policy_feedback). */
export interface PolicyFeedbackStore {
  add(c: PolicyComment): Promise<void>;
  list(policyCode: string, limit: number): Promise<PolicyComment[]>;
  /** The policies pushed to the dealer, newest push first, with their kind and name. */
  pushedTo(dealerCode: string): Promise<Array<{ policyCode: string; kind: string; name: string; pushedAt: Date }>>;
}

/** A comment is kept up to this many characters. */
export const COMMENT_MAX_CHARS = 500;

/** A policy the chat just showed the dealer (a list or an explanation): a comment right after is about it. */
export interface ShownPolicy {
  code: string;
  name: string;
  kind: string;
}

export type FeedbackOutcome =
  | { kind: 'recorded'; policyCode: string; policyName: string }
  /** Several policies were just shown and the comment names none of them: the dealer says which. */
  | { kind: 'which'; options: ShownPolicy[] }
  /** Nothing shown and nothing ever pushed: nothing to attach the comment to. */
  | { kind: 'no_policy' };

/**
 * Dealers' comments on policies ("门槛有点高"): each is recorded against one policy — the one the chat just showed
 * (of the kind the comment names when several were shown; asked when that leaves several), else the pushed policy of
 * the kind the comment names (返利 → a ladder, 满减 → a promotion), else the newest push — and listed for HQ.
 */
export class PolicyFeedbackService {
  constructor(
    private readonly store: PolicyFeedbackStore,
    private readonly policies: Pick<PolicyStore, 'findPolicy'>,
  ) {}

  /**
   * Records the comment against the policy it is about.
   *
   * @example
   * const r = await feedback.comment({ dealerCode: 'D0014', text: '门槛有点高', shown: [ladder], now });
   * // → { kind: 'recorded', policyCode: 'LADDER-2026Q4', ... }
   */
  async comment(input: {
    dealerCode: string;
    text: string;
    kind?: PolicyKind;
    /** What the chat just showed, in order. */
    shown?: readonly ShownPolicy[];
    /** The shown policy the dealer picked after being asked which. */
    chosen?: string;
    now: Date;
  }): Promise<FeedbackOutcome> {
    const target = await this.target(input);
    if (!target || 'options' in target) return target ?? { kind: 'no_policy' };
    await this.store.add({
      policyCode: target.code,
      dealerCode: input.dealerCode,
      text: input.text.slice(0, COMMENT_MAX_CHARS),
      at: input.now,
    });
    return { kind: 'recorded', policyCode: target.code, policyName: target.name };
  }

  private async target(input: {
    dealerCode: string;
    kind?: PolicyKind;
    shown?: readonly ShownPolicy[];
    chosen?: string;
  }): Promise<ShownPolicy | { kind: 'which'; options: ShownPolicy[] } | null> {
    const shown = input.shown ?? [];
    const picked = input.chosen ? shown.find((p) => p.code === input.chosen) : undefined;
    if (picked) return picked;
    const fits = input.kind ? shown.filter((p) => p.kind === input.kind) : shown;
    if (fits.length === 1) return fits[0]!;
    if (fits.length > 1) return { kind: 'which', options: [...fits] };
    const pushed = await this.store.pushedTo(input.dealerCode);
    const chosen = (input.kind && pushed.find((p) => p.kind === input.kind)) || pushed[0];
    return chosen ? { code: chosen.policyCode, name: chosen.name, kind: chosen.kind } : null;
  }

  async list(policyCode: string, limit = 100): Promise<PolicyComment[]> {
    if (!(await this.policies.findPolicy(policyCode)))
      throw new DomainError('POLICY.NOT_FOUND', `policy ${policyCode} not found`, { code: policyCode });
    return this.store.list(policyCode, limit);
  }
}
