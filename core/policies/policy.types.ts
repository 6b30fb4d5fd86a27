import { z } from 'zod';

/** A calendar date `YYYY-MM-DD` (Asia/Shanghai business date). */
export const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** A rate such as 0.03: at most 9 decimals, between 0 and 1. */
export const rateSchema = z
  .number()
  .min(0)
  .max(1)
  .refine((r) => Math.abs(r * 1e9 - Math.round(r * 1e9)) < 1e-6, 'rate has more than 9 decimals');

export const tierSchema = z.enum(['core', 'key', 'regular', 'silent']);
export type Tier = z.infer<typeof tierSchema>;

export const periodSchema = z
  .object({ start: isoDateSchema, end: isoDateSchema })
  .refine((p) => p.start <= p.end, 'period start is after its end');
export type Period = z.infer<typeof periodSchema>;

export const targetSchema = z.object({
  tiers: z.array(tierSchema).min(1),
  tagsAny: z.array(z.string()).default([]),
});
export type Target = z.infer<typeof targetSchema>;

const base = {
  code: z.string().min(1),
  name: z.string().min(1),
  basis: z.string().optional(),
  target: targetSchema,
  /** Share of the target that gets the policy first; null = everyone targeted. */
  pilotRatio: z.number().gt(0).lte(1).nullable().default(null),
  /**
   * How the policy combines with others of its kind that reach the same dealer: `stacks` — both are paid, each on
   * its own ladder; `replaces` — the listed policies are not paid to the dealers this one reaches. Without it, a
   * tag-targeted ladder replaces a general one (the most specific wins).
   */
  combines: z.object({ mode: z.enum(['stacks', 'replaces']), with: z.array(z.string().min(1)).min(1) }).optional(),
};
export type Combines = NonNullable<z.infer<z.ZodObject<typeof base>>['combines']>;

export const ladderBandSchema = z.object({
  /** Lower bound of the band in fen (inclusive). */
  from: z.number().int().min(0),
  rate: rateSchema,
});
export type LadderBand = z.infer<typeof ladderBandSchema>;

export const ladderRebateSchema = z.object({
  ...base,
  kind: z.literal('ladder_rebate'),
  period: periodSchema,
  excludeCategories: z.array(z.string()).default([]),
  /** retroactive: the reached band's rate applies to the whole amount; marginal: each rate to the part inside its band. */
  mode: z.enum(['retroactive', 'marginal']),
  ladder: z
    .array(ladderBandSchema)
    .min(1)
    .refine((l) => l[0]?.from === 0, 'the first band must start at 0')
    .refine((l) => l.every((b, i) => i === 0 || b.from > (l[i - 1]?.from ?? 0)), 'band starts must increase'),
});
export type LadderRebatePolicy = z.infer<typeof ladderRebateSchema>;

export const growthRewardSchema = z.object({
  ...base,
  kind: z.literal('growth_reward'),
  period: periodSchema,
  /** Growth over the same period a year earlier must be strictly greater than this (0.5 = 50%). */
  minGrowth: z.number().min(0),
  bonusRate: rateSchema,
  excludeCategories: z.array(z.string()).default([]),
});
export type GrowthRewardPolicy = z.infer<typeof growthRewardSchema>;

export const anniversaryBonusSchema = z.object({
  ...base,
  kind: z.literal('anniversary_bonus'),
  /** The Nth partnership anniversary. */
  years: z.number().int().min(1),
  bonusRate: rateSchema,
  excludeCategories: z.array(z.string()).default([]),
});
export type AnniversaryBonusPolicy = z.infer<typeof anniversaryBonusSchema>;

export const promotionSchema = z.object({
  ...base,
  kind: z.literal('promotion'),
  period: periodSchema,
  discountRate: rateSchema,
  /** Minimum amount (fen) of the tagged products in one order. */
  minOrderAmount: z.number().int().min(0),
  productTagsAny: z.array(z.string()).min(1),
});
export type PromotionPolicy = z.infer<typeof promotionSchema>;

export const policySchema = z.discriminatedUnion('kind', [
  ladderRebateSchema,
  growthRewardSchema,
  anniversaryBonusSchema,
  promotionSchema,
]);
export type Policy = z.infer<typeof policySchema>;
export type PolicyKind = Policy['kind'];

export const policiesFileSchema = z.object({ policies: z.array(policySchema) });

/** Coded domain error of the policies capability. */
export class PolicyError extends Error {
  constructor(
    readonly code: 'POLICY.INVALID_FILE' | 'POLICY.INVALID_AMOUNT' | 'POLICY.DUPLICATE_CODE',
    message: string,
  ) {
    super(message);
    this.name = 'PolicyError';
  }
}

/**
 * Validates the content of `policies.json` (already JSON-parsed, or a JSON string).
 * Throws `PolicyError('POLICY.INVALID_FILE')` naming the failing paths.
 */
export function parsePolicies(json: unknown): Policy[] {
  let data = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch {
      throw new PolicyError('POLICY.INVALID_FILE', 'policies file is not valid JSON');
    }
  }
  const parsed = policiesFileSchema.safeParse(data);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.')}: ${i.message}`)
      .join('; ');
    throw new PolicyError('POLICY.INVALID_FILE', `invalid policies file: ${where}`);
  }
  const seen = new Set<string>();
  for (const p of parsed.data.policies) {
    if (seen.has(p.code)) throw new PolicyError('POLICY.DUPLICATE_CODE', `duplicate policy code ${p.code}`);
    seen.add(p.code);
  }
  for (const p of parsed.data.policies) {
    for (const other of p.combines?.with ?? []) {
      const target = parsed.data.policies.find((q) => q.code === other);
      if (!target || target.kind !== p.kind || other === p.code)
        throw new PolicyError(
          'POLICY.INVALID_FILE',
          `invalid policies file: ${p.code}.combines names ${other}, not another ${p.kind} policy`,
        );
    }
  }
  return parsed.data.policies;
}
