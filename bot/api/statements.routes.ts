import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AccountError } from '../../core/accounts/accounts.errors.js';
import type { ApiDeps } from './index.js';

const dealerParams = z.object({ code: z.string().regex(/^D\d{4}$/) });
const policyParams = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
const periodQuery = z.object({
  period: z
    .string()
    .regex(/^(\d{4}-(\d{2}|Q[1-4])|month|quarter)$/)
    .optional(),
});
const rebateQuery = z.object({
  policy: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});
const settleBody = z
  .object({ policy: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), by: z.string().min(1).max(40) })
  .strict();
const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

/**
 * Statements of account (with their signed printable link), rebate statements, rebate settlements (netted: a second
 * settlement of a period pays only the difference) and dealers' comments on policies. Admin token required.
 */
export function statementsRoutes(deps: ApiDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/dealers/:code/statement',
      { schema: { params: dealerParams, querystring: periodQuery } },
      async (req, reply) => {
        const now = deps.now();
        try {
          const s = await deps.services.statement.statement({
            dealerCode: req.params.code,
            period: req.query.period,
            now,
          });
          const { links, baseUrl } = deps.services.statementLinks;
          const q = links.sign(s.dealer.code, s.period.label, now);
          return {
            ...s,
            printUrl: `${baseUrl}/statements/${s.dealer.code}/${s.period.label}?exp=${q.exp}&sig=${q.sig}`,
          };
        } catch (e) {
          if (!(e instanceof AccountError)) throw e;
          const status = e.code === 'ACCOUNT.DEALER_NOT_FOUND' ? 404 : 400;
          return reply.code(status).send({ error: e.code, message: e.message });
        }
      },
    );

    app.get(
      '/api/dealers/:code/rebate-statements',
      { schema: { params: dealerParams, querystring: rebateQuery } },
      async (req) => deps.services.rebates.statements(req.params.code, deps.now(), req.query.policy),
    );

    app.post(
      '/api/dealers/:code/rebate-settlements',
      { schema: { params: dealerParams, body: settleBody } },
      async (req, reply) => {
        const out = await deps.services.rebates.settle({
          dealerCode: req.params.code,
          policyCode: req.body.policy,
          by: req.body.by,
          now: deps.now(),
        });
        return reply.code(out.kind === 'settled' ? 201 : 200).send(out);
      },
    );

    app.get(
      '/api/policies/:code/feedback',
      { schema: { params: policyParams, querystring: limitQuery } },
      async (req) => ({
        policy: req.params.code,
        comments: await deps.services.policyFeedback.list(req.params.code, req.query.limit),
      }),
    );
  };
}
