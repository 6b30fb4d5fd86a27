import type { Course } from '../../core/care/content.port.js';
import { chooseCourse } from '../../core/enrolment/course-match.js';
import type { Need, NeedCategory } from '../../core/needs/needs.types.js';
import { withoutPick, withPick } from '../dialog/picks.js';
import { type DealerIdentity, dealerOnly, type HandlerRegistry, reply, type TurnContext } from '../dialog/turn.js';
import { campaignReplies } from '../replies/campaigns.replies.js';
import { growthReplies } from '../replies/growth.replies.js';

/** Upcoming courses a dealer may pick from. */
const COURSES_SHOWN = 6;

/**
 * Records a sign-up as a need for the account manager (SLA and manager alert as any need), unless the dealer's
 * same request is still open; `already` is that earlier need.
 */
async function requestOnce(
  ctx: TurnContext<DealerIdentity>,
  category: NeedCategory,
  text: string,
): Promise<{ need: Need; already: boolean }> {
  const needs = ctx.services.needs;
  const active = await needs.statusForDealer({ dealerCode: ctx.identity.dealerCode });
  const same = active.find((n) => n.category === category && n.text === text && n.status !== 'resolved');
  if (same) return { need: same, already: true };
  const { need } = await needs.submit({ dealerCode: ctx.identity.dealerCode, category, text, now: ctx.now });
  return { need, already: false };
}

async function enrol(ctx: TurnContext<DealerIdentity>, course: Course) {
  const { need, already } = await requestOnce(ctx, 'training', growthReplies.enrolNeedText(course));
  return {
    ...reply(already ? growthReplies.alreadyEnrolled(course, need) : growthReplies.enrolled(course, need)),
    state: withoutPick(ctx.state),
  };
}

/**
 * Sign-ups: a course (from the courses HQ schedules; the request reaches the account manager as a need) or a joint
 * campaign (an application the account manager approves in chat).
 */
export const growthHandlers: HandlerRegistry = {
  'training.enrol': dealerOnly(growthReplies.managerHint, async (ctx, turn) => {
    const upcoming = await ctx.services.content.upcomingCourses(ctx.now, COURSES_SHOWN);
    const choice = chooseCourse(turn.slots.course, upcoming);
    switch (choice.kind) {
      case 'no_courses':
        return reply(growthReplies.noCourses);
      case 'one':
        return enrol(ctx, choice.course);
      case 'several':
      case 'none': {
        const listed = choice.kind === 'several' ? choice.courses : upcoming;
        const body =
          choice.kind === 'several'
            ? growthReplies.pickCourse(listed, choice.named)
            : growthReplies.courseNotFound(choice.words, listed);
        const pick = { intent: 'training.enrol' as const, options: listed.map((c) => ({ course: c.title })) };
        return { ...reply(body), state: withPick(ctx.state, pick) };
      }
    }
  }),

  'campaign.join': dealerOnly(campaignReplies.managerJoinHint, async (ctx, turn) => {
    const outcome = await ctx.services.campaigns.join({
      dealerCode: ctx.identity.dealerCode,
      words: turn.slots.campaign,
      now: ctx.now,
    });
    return reply(campaignReplies.join(outcome));
  }),
};
