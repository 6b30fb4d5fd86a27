import { chooseCourse, courseWords } from '../../core/enrolment/course-match.js';
import type { EnrolOutcome, Session } from '../../core/training/training.types.js';
import { withoutPick } from '../dialog/picks.js';
import { type DealerIdentity, reply, type TurnContext, type TurnResult } from '../dialog/turn.js';
import { trainingNotices, trainingReplies } from '../replies/training.replies.js';

// Enrolling in a session, shared by the training handler and a need that turns out to be a seat request.

/** Upcoming sessions a dealer may pick from, and how many are searched for a named one. */
export const COURSES_SHOWN = 6;
export const COURSES_SEARCHED = 12;

// Talk around a course name that the course words keep ("不对 我要报的是…那个", "再报一个…", "…我也想去").
const ENROL_TALK =
  /不对|不是|错了|我要报的是|要报的是|报的是|再报一个|再报|报一个|我也想去|也想去|想去|我也想|想报|我也/g;

/** The words of an enrol request that may name a course. */
export const enrolWords = (text: string): string => text.replace(ENROL_TALK, ' ');

/**
 * The one upcoming session (for any tier: a refusal says why) a message names by its title, or null: lets a
 * request read as something else ("不对 我要报的是工程项目投标那个" as a need) enrol instead.
 */
export async function courseNamed(ctx: TurnContext<DealerIdentity>, text: string): Promise<Session | null> {
  const words = enrolWords(text);
  if (!courseWords(words)) return null;
  const choice = chooseCourse(words, await ctx.services.training.upcoming(ctx.now, COURSES_SEARCHED));
  return choice.kind === 'one' ? choice.course : null;
}

/** Enrols the dealer in the session (a seat, the waitlist or a refusal) and tells their manager of a place. */
export async function enrol(ctx: TurnContext<DealerIdentity>, session: Session): Promise<TurnResult> {
  const r: EnrolOutcome = await ctx.services.training.enrol({
    dealerCode: ctx.identity.dealerCode,
    sessionId: session.id,
    now: ctx.now,
  });
  if (r.kind === 'enrolled' || r.kind === 'waitlisted') {
    // The account manager hears of every seat and waitlist place, in the same transaction as the enrolment.
    const dealer = await ctx.services.training.dealer(ctx.identity.dealerCode);
    if (dealer) {
      await ctx.notifier.toManager(dealer.managerCode, trainingNotices.enrolled(dealer, r), {
        dedupeKey: `training.enrolled:${r.enrolment.id}`,
        kind: 'training.enrolled',
      });
    }
  }
  return { ...reply(trainingReplies.enrol(r)), state: withoutPick(ctx.state) };
}
