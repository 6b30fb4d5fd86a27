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

/**
 * Dealers' comments on pushed policies ("门槛有点高"): each is recorded against one policy — the pushed policy of
 * the kind the comment names (返利 → a ladder, 满减 → a promotion), else the newest push — and listed for HQ.
 */
export class PolicyFeedbackService {
  constructor(
    private readonly store: PolicyFeedbackStore,
    private readonly policies: Pick<PolicyStore, 'findPolicy'>,
  ) {}

  /** Records the comment; null when no policy was ever pushed to the dealer (nothing to attach it to). */
  async comment(input: {
    dealerCode: string;
    text: string;
    kind?: PolicyKind;
    now: Date;
  }): Promise<{ policyCode: string; policyName: string } | null> {
    const pushed = await this.store.pushedTo(input.dealerCode);
    const chosen = (input.kind && pushed.find((p) => p.kind === input.kind)) || pushed[0];
    if (!chosen) return null;
    await this.store.add({
      policyCode: chosen.policyCode,
      dealerCode: input.dealerCode,
      text: input.text.slice(0, COMMENT_MAX_CHARS),
      at: input.now,
    });
    return { policyCode: chosen.policyCode, policyName: chosen.name };
  }

  async list(policyCode: string, limit = 100): Promise<PolicyComment[]> {
    if (!(await this.policies.findPolicy(policyCode)))
      throw new DomainError('POLICY.NOT_FOUND', `policy ${policyCode} not found`, { code: policyCode });
    return this.store.list(policyCode, limit);
  }
}
