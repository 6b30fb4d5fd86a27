import { addDays, shanghaiDate } from '../common/time.js';
import type { Tier } from '../dealers/tiers.js';

/** Days between one-to-one contacts, per tier (configuration: CONTACT_CADENCE). */
export type CadenceTable = Readonly<Record<Tier, number>>;

/** K's rule: core dealers weekly, everyone else every two weeks. */
export const DEFAULT_CADENCE: CadenceTable = Object.freeze({ core: 7, key: 14, regular: 14, silent: 14 });

/** "core=7,key=10" over the defaults; null when a part is not `tier=days` with 1–90 days. */
export function parseCadence(text: string, base: CadenceTable = DEFAULT_CADENCE): CadenceTable | null {
  const out: Record<Tier, number> = { ...base };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(core|key|regular|silent)\s*=\s*(\d{1,2})$/.exec(part);
    const days = Number(m?.[2]);
    if (!m || days < 1 || days > 90) return null;
    out[m[1] as Tier] = days;
  }
  return Object.freeze(out);
}

/** A dealer with its last contact, as the cadence sees it. */
export interface CadenceDealer {
  code: string;
  name: string;
  tier: Tier;
  managerCode: string;
  lastContactAt: Date | null;
}

export interface CadenceItem extends CadenceDealer {
  intervalDays: number;
  /** The day the next contact is due (today when never contacted). */
  dueOn: string;
  /** Days past `dueOn` (0 when not overdue); a dealer never contacted counts as overdue. */
  overdueDays: number;
  never: boolean;
}

const DAY = 86_400_000;

/** When the dealer's next contact is due and how late it is on `today` (Shanghai dates). */
export function cadenceOf(d: CadenceDealer, table: CadenceTable, today: string): CadenceItem {
  const intervalDays = table[d.tier];
  const never = d.lastContactAt === null;
  const dueOn = never ? today : addDays(shanghaiDate(d.lastContactAt!), intervalDays);
  const late = Math.round((Date.parse(today) - Date.parse(dueOn)) / DAY);
  return { ...d, intervalDays, dueOn, overdueDays: never ? 0 : Math.max(0, late), never };
}

export const isOverdue = (i: CadenceItem) => i.never || i.overdueDays > 0;

/** Monday of the week `date` is in, and its Sunday (Shanghai dates). */
export function weekOf(date: string): { monday: string; sunday: string } {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  const monday = addDays(date, -((weekday + 6) % 7));
  return { monday, sunday: addDays(monday, 6) };
}

/** Overdue first (longest first, never-contacted before them), then by due day and code. */
export function byUrgency(a: CadenceItem, b: CadenceItem): number {
  return (
    Number(isOverdue(b)) - Number(isOverdue(a)) ||
    Number(b.never) - Number(a.never) ||
    b.overdueDays - a.overdueDays ||
    a.dueOn.localeCompare(b.dueOn) ||
    a.code.localeCompare(b.code)
  );
}
