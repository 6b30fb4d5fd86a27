import type { FastifyReply, FastifyRequest } from 'fastify';
import { isHq } from '../../../core/console/index.js';
import { ctxOf, notFound } from '../context.js';

/** A hook for HQ's sections: to a manager they do not exist (404, like a dealer that is not theirs). */
export async function hqOnly(req: FastifyRequest, reply: FastifyReply) {
  const ctx = ctxOf(req);
  if (!isHq(ctx.viewer)) return notFound(reply, ctx.page);
}
