import { DomainError } from '../../core/common/errors.js';
import type { EffectReport, PushReport } from '../../core/policies/policy.service.js';
import { policyReplies } from '../replies/policies.replies.js';
import { type CliCommand, parseCommandArgs } from './command.types.js';

const USAGE = 'policy push CODE [--promote] | policy effect CODE [--json]  [--now ISO]  pilot pushes and their effect';

const pct = (r: number | null) => (r === null ? '-' : `${(r * 100).toFixed(1)}%`);

/** The push result as a few readable lines. */
export function formatPushReport(r: PushReport): string[] {
  return [
    `policy ${r.policy}${r.promoted ? ' (promoted to the whole target)' : ''}`,
    `target ${r.target}  pilot ${r.pilot}  holdout ${r.holdout}  eligible now ${r.eligible}`,
    `queued ${r.queued}  already delivered ${r.alreadyDelivered}${r.notBefore ? `  first delivery not before ${r.notBefore}` : ''}`,
  ];
}

/** The effect report as a table: pilot vs holdout. */
export function formatEffectReport(r: EffectReport): string[] {
  const rows: Array<[string, string, string]> = [
    ['dealers', String(r.pilot), String(r.holdout)],
    ['measured', String(r.conversion.pilot.n), String(r.conversion.holdout.n)],
    [`converted (${r.windowDays}d)`, String(r.conversion.pilot.converted), String(r.conversion.holdout.converted)],
    ['conversion', pct(r.conversion.pilot.rate), pct(r.conversion.holdout.rate)],
  ];
  const w = [18, 10, 10];
  const line = (c: readonly string[]) =>
    c
      .map((v, i) => v.padEnd(w[i] ?? 10))
      .join(' ')
      .trimEnd();
  return [
    `${r.policy}  ${r.name}  (${r.kind}, pilot ${r.pilotRatio === null ? 'none' : pct(r.pilotRatio)}${r.promoted ? ', promoted' : ''})`,
    `target ${r.target}  pushed ${r.pushed}  reached ${r.reached}  feedback ${r.feedback}`,
    line(['', 'pilot', 'holdout']),
    ...rows.map(line),
    `lift ${r.conversion.lift === null ? '-' : `${(r.conversion.lift * 100).toFixed(1)} pts`}  ` +
      `first pilot push ${r.pilotPushedAt ?? '-'}  window ${r.windowClosed ? 'closed' : 'still open'}`,
  ];
}

export const policyCommand: CliCommand = {
  name: 'policy',
  usage: USAGE,
  async run(args, _config, io, host) {
    const parsed = parseCommandArgs(
      args,
      { promote: { type: 'boolean' }, json: { type: 'boolean' }, now: { type: 'string' } },
      io,
    );
    const [action, code] = parsed?.positionals ?? [];
    if (!parsed || (action !== 'push' && action !== 'effect') || !code) {
      io.err(`usage: npm run cli -- ${USAGE}`);
      return 2;
    }
    const { values } = parsed;
    const now = values.now === undefined ? new Date() : new Date(values.now);
    if (Number.isNaN(now.getTime())) {
      io.err('--now must be an ISO timestamp, e.g. 2026-11-26T10:00:00+08:00');
      return 2;
    }
    try {
      const report = await host.withServices<PushReport | EffectReport>(({ services }) =>
        action === 'push'
          ? services.policies.push(code, { now, promote: values.promote === true, compose: policyReplies.push })
          : services.policies.effect(code, now),
      );
      if (values.json === true) io.out(JSON.stringify(report));
      else {
        const lines =
          action === 'push' ? formatPushReport(report as PushReport) : formatEffectReport(report as EffectReport);
        for (const l of lines) io.out(l);
      }
      return 0;
    } catch (e) {
      if (e instanceof DomainError) {
        io.err(e.message);
        return 1;
      }
      throw e;
    }
  },
};
