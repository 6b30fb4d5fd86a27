import { chooseCourse, courseWords } from '../../core/enrolment/course-match.js';
import { withoutPick, withPick } from '../dialog/picks.js';
import { dealerOnly, type HandlerRegistry, managerOnly, reply } from '../dialog/turn.js';
import { trainingNotices, trainingReplies } from '../replies/training.replies.js';
import { COURSES_SEARCHED, COURSES_SHOWN, enrol, enrolWords } from './enrolment.js';

/**
 * Training by chat: a dealer enrols in a session HQ scheduled (a seat, the waitlist when it is full, a refusal when
 * it is not for their tier or tags); the manager records attendance ("D0012 安装培训到了").
 */
export const trainingHandlers: HandlerRegistry = {
  'training.enrol': dealerOnly(trainingReplies.managerHint, async (ctx, turn) => {
    const dealer = await ctx.services.training.dealer(ctx.identity.dealerCode);
    if (!dealer) return reply(trainingReplies.noCourses);
    // The rules take a course name only beside 培训/课; "报名社群营销" still names one (fillers are dropped).
    const named = turn.slots.course ?? enrolWords(ctx.text);
    // Named: among every upcoming session (one for other tiers is refused with a reason); unnamed: the dealer's own.
    const pool = courseWords(named)
      ? await ctx.services.training.upcoming(ctx.now, COURSES_SEARCHED)
      : await ctx.services.training.upcomingFor(dealer, ctx.now, COURSES_SHOWN);
    const choice = chooseCourse(named, pool);
    switch (choice.kind) {
      case 'no_courses':
        return reply(trainingReplies.noCourses);
      case 'one':
        return enrol(ctx, choice.course);
      case 'several':
      case 'none': {
        const listed =
          choice.kind === 'several'
            ? choice.courses
            : await ctx.services.training.upcomingFor(dealer, ctx.now, COURSES_SHOWN);
        if (listed.length === 0) return reply(trainingReplies.noCourses);
        const body =
          choice.kind === 'several'
            ? trainingReplies.pickCourse(listed, choice.named)
            : trainingReplies.courseNotFound(choice.words, listed);
        const pick = { intent: 'training.enrol' as const, options: listed.map((c) => ({ course: c.title })) };
        return { ...reply(body), state: withPick(ctx.state, pick) };
      }
    }
  }),

  'training.withdraw': dealerOnly(trainingReplies.managerHint, async (ctx, turn) => {
    const r = await ctx.services.training.withdraw({
      dealerCode: ctx.identity.dealerCode,
      words: turn.slots.course,
      now: ctx.now,
    });
    if (r.kind === 'several') {
      const pick = { intent: 'training.withdraw' as const, options: r.sessions.map((s) => ({ course: s.title })) };
      return { ...reply(trainingReplies.withdraw(r)), state: withPick(ctx.state, pick) };
    }
    if (r.kind === 'withdrawn' && r.enrolment.status === 'enrolled') {
      // The manager hears of the freed seat; the dealer who waited longest gets it and is told.
      const dealer = await ctx.services.training.dealer(ctx.identity.dealerCode);
      const key = `training.withdrawn:${r.enrolment.id}`;
      if (dealer) {
        await ctx.notifier.toManager(dealer.managerCode, trainingNotices.withdrawn(dealer, r.session), {
          dedupeKey: key,
          kind: 'training.withdrawn',
        });
      }
      const p = r.promoted;
      if (p) {
        // Two recipients, two keys: the outbox drops a repeated key.
        const sent = (to: string) => ({
          dedupeKey: `training.promoted:${p.enrolment.id}:${to}`,
          kind: 'training.promoted',
        });
        await ctx.notifier.toDealer(p.dealer.code, trainingNotices.promotedToDealer(r.session), sent('dealer'));
        const toManager = trainingNotices.promotedToManager(p.dealer, r.session);
        await ctx.notifier.toManager(p.dealer.managerCode, toManager, sent('manager'));
      }
    }
    return { ...reply(trainingReplies.withdraw(r)), state: withoutPick(ctx.state) };
  }),

  'am.training.attend': managerOnly(async (ctx, turn) => {
    const code = turn.slots.dealer_code?.toUpperCase();
    if (!code) return reply(trainingReplies.attendCodeMissing);
    const r = await ctx.services.training.recordAttendance({
      managerCode: ctx.identity.managerCode,
      dealerCode: code,
      course: turn.slots.course,
      now: ctx.now,
    });
    return reply(trainingReplies.attend(r));
  }),
};
