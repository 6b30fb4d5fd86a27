import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Session, SessionRoster } from '../../core/training/training.types.js';
import type { ApiDeps } from './index.js';

const TIERS = ['core', 'key', 'regular', 'silent'] as const;

const newSession = z
  .object({
    title: z.string().trim().min(2).max(60),
    description: z.string().trim().max(500).default(''),
    /** With its offset, e.g. 2026-12-10T14:00:00+08:00. */
    starts_at: z.iso.datetime({ offset: true }),
    mode: z.enum(['online', 'offline']),
    seats: z.number().int().min(1).max(10_000),
    fee_fen: z.number().int().min(0).max(100_000_000).default(0),
    target_tiers: z.array(z.enum(TIERS)).max(4).default([]),
    target_tags: z.array(z.string().min(1).max(20)).max(10).default([]),
    location: z.string().trim().min(1).max(100).nullish(),
    tags: z.array(z.string().min(1).max(20)).max(10).default([]),
  })
  .strict();
const listQuery = z.object({ all: z.enum(['0', '1']).default('0') });
const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const attendBody = z.object({ dealer_code: z.string().regex(/^D\d{4}$/) }).strict();
const honoursQuery = z.object({
  period: z
    .string()
    .regex(/^\d{4}(Q[1-4])?$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const sessionJson = (s: Session) => ({
  id: s.id,
  title: s.title,
  description: s.description,
  starts_at: s.startsAt,
  mode: s.mode,
  location: s.location,
  seats: s.seats,
  fee_fen: s.feeFen,
  target_tiers: s.targetTiers,
  target_tags: s.targetTags,
  enrolled: s.enrolled,
  waitlisted: s.waitlisted,
});
const rosterJson = (r: SessionRoster) => ({
  ...sessionJson(r.session),
  enrolments: r.enrolments.map((e) => ({
    dealer_code: e.dealerCode,
    dealer_name: e.dealerName,
    tier: e.tier,
    status: e.status,
    fee_fen: e.feeFen,
    enrolled_at: e.enrolledAt,
    attended_at: e.attendedAt,
  })),
});

/**
 * Training sessions HQ schedules (dated, seats, fee, target tiers/tags) with their rosters and attendance, and the
 * honours given. Honours are computed by the `honours.award` job (`POST /api/jobs/honours.award/run`).
 */
export function trainingRoutes(deps: ApiDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get('/api/training/sessions', { schema: { querystring: listQuery } }, async (req) => {
      const rosters = await deps.services.training.rosters(req.query.all === '1' ? null : deps.now(), 200);
      return { sessions: rosters.map(rosterJson) };
    });

    app.post('/api/training/sessions', { schema: { body: newSession } }, async (req, reply) => {
      const b = req.body;
      const startsAt = new Date(b.starts_at);
      if (startsAt <= deps.now())
        return reply.code(422).send({ error: 'in_the_past', message: 'starts_at must be in the future' });
      const session = await deps.services.training.createSession({
        title: b.title,
        description: b.description,
        startsAt,
        mode: b.mode,
        seats: b.seats,
        feeFen: b.fee_fen,
        targetTiers: [...new Set(b.target_tiers)],
        targetTags: [...new Set(b.target_tags)],
        location: b.location ?? null,
        tags: b.tags,
      });
      return reply.code(201).send(sessionJson(session));
    });

    app.post(
      '/api/training/sessions/:id/attendance',
      { schema: { params: idParams, body: attendBody } },
      async (req, reply) => {
        const e = await deps.services.training.markAttendedById({
          courseId: req.params.id,
          dealerCode: req.body.dealer_code,
          by: 'hq',
          now: deps.now(),
        });
        if (!e)
          return reply
            .code(404)
            .send({ error: 'not_found', message: `${req.body.dealer_code} holds no seat in session ${req.params.id}` });
        return { session_id: req.params.id, dealer_code: e.dealerCode, attended_at: e.attendedAt };
      },
    );

    app.get('/api/honours', { schema: { querystring: honoursQuery } }, async (req) => {
      const list = await deps.services.honours.list({ period: req.query.period, limit: req.query.limit });
      return {
        honours: list.map((h) => ({
          dealer_code: h.dealerCode,
          dealer_name: h.dealerName,
          province: h.province,
          title: h.title,
          rule: h.ruleCode,
          period: h.period,
          reason: h.reason,
          awarded_on: h.awardedOn,
        })),
      };
    });
  };
}
