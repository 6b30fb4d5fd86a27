/** K's default commitments by tier; deployments may override them (see parseSlaOverride). */
export const DEFAULT_SLA = Object.freeze({
    core: { firstResponse: 12, resolution: 24 },
    key: { firstResponse: 24, resolution: 48 },
    regular: { firstResponse: 48, resolution: 72 },
    silent: { firstResponse: 48, resolution: 72 },
});
const HOUR_MS = 3_600_000;
export function deadlinesFor(tier, from, table = DEFAULT_SLA) {
    const h = table[tier];
    return {
        firstResponseDue: new Date(from.getTime() + h.firstResponse * HOUR_MS),
        resolutionDue: new Date(from.getTime() + h.resolution * HOUR_MS),
    };
}
/** A reopened need gets the tier's full resolution window again, from the reopen. */
export function reopenedResolutionDue(tier, at, table = DEFAULT_SLA) {
    return new Date(at.getTime() + table[tier].resolution * HOUR_MS);
}
/** The checkpoints of a clock: warn the owner at 50% and 80%, escalate at the deadline. */
export const SLA_STAGES = [50, 80, 100];
/** The instant a stage is reached on a clock running from `start` to `due`. */
export function stageAt(start, due, stage) {
    return new Date(start.getTime() + ((due.getTime() - start.getTime()) * stage) / 100);
}
/** The highest stage reached at `now` (0 = none). */
export function stageReached(start, due, now) {
    let reached = 0;
    for (const s of SLA_STAGES)
        if (now.getTime() >= stageAt(start, due, s).getTime())
            reached = s;
    return reached;
}
/** The once-only key of a checkpoint; a reopened need's resolution clock starts a new cycle. */
export function checkpointKey(stage, clock, needId, cycle = 0) {
    const prefix = stage === 100 ? 'breach' : `warn${stage}`;
    return `${prefix}:${clock}:${needId}${cycle > 0 ? `:r${cycle}` : ''}`;
}
/**
 * Parses an override such as "core=12/24,key=24/48" (hours to first response / resolution) over the defaults.
 * Returns null for anything malformed, so a typo never silently changes a commitment.
 */
export function parseSlaOverride(spec, base = DEFAULT_SLA) {
    const table = { ...base };
    for (const part of spec
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const m = /^(core|key|regular|silent)=(\d{1,4})\/(\d{1,4})$/.exec(part);
        if (!m)
            return null;
        const first = Number(m[2]);
        const resolution = Number(m[3]);
        if (first <= 0 || resolution < first)
            return null;
        table[m[1]] = { firstResponse: first, resolution };
    }
    return table;
}
/** Hours between two instants (for reports and replies). */
export const hoursBetween = (a, b) => (b.getTime() - a.getTime()) / HOUR_MS;
//# sourceMappingURL=sla.js.map