import { shanghaiDate } from '../common/time.js';
import type { Need } from './needs.types.js';

/** Needs shown in one manager list reply. */
export const NEED_LIST_LIMIT = 10;

/** `am.need.list` filters: everything open, submitted today (Shanghai), or past a deadline. */
export type NeedListFilter = 'all' | 'today' | 'overdue';

export interface OpenNeedRow {
  need: Need;
  dealerName: string;
}

export interface NeedListItem extends OpenNeedRow {
  /** The clock that runs now: the first response until someone claims it, then the resolution. */
  clock: 'first' | 'resolution';
  due: Date;
  /** Milliseconds to the deadline; negative when overdue. */
  msLeft: number;
  overdue: boolean;
  submittedToday: boolean;
}

export interface NeedList {
  filter: NeedListFilter;
  /** Counts over every open need of the manager, whatever the filter. */
  counts: { all: number; today: number; overdue: number };
  /** The filtered needs, overdue first (longest overdue first), then the nearest deadline; at most `limit`. */
  items: NeedListItem[];
  /** How many the filter matched before the limit. */
  matched: number;
}

/** Where each open need stands on its clock at `now`, filtered and ordered for the manager's list. */
export function needList(rows: readonly OpenNeedRow[], filter: NeedListFilter, now: Date, limit: number): NeedList {
  const today = shanghaiDate(now);
  const all: NeedListItem[] = rows.map((r) => {
    const clock = r.need.status === 'open' && r.need.firstResponseAt === null ? 'first' : 'resolution';
    const due = clock === 'first' ? r.need.firstResponseDue : r.need.resolutionDue;
    const msLeft = due.getTime() - now.getTime();
    return { ...r, clock, due, msLeft, overdue: msLeft < 0, submittedToday: shanghaiDate(r.need.createdAt) === today };
  });
  const keep = (i: NeedListItem) => filter === 'all' || (filter === 'today' ? i.submittedToday : i.overdue);
  const matched = all.filter(keep).sort((a, b) => a.msLeft - b.msLeft || a.need.id - b.need.id);
  return {
    filter,
    counts: {
      all: all.length,
      today: all.filter((i) => i.submittedToday).length,
      overdue: all.filter((i) => i.overdue).length,
    },
    items: matched.slice(0, limit),
    matched: matched.length,
  };
}
