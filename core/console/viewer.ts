/**
 * Who is looking at the console. HQ (signed in with the admin token) sees the whole network; an account manager
 * (signed in through WeCom) sees their own dealers and needs, a regional manager those of their region too.
 */
export type ConsoleViewer = { role: 'hq' } | { role: 'manager'; managerCode: string };

/** The actor recorded in the audit log: `hq` or the manager's code. */
export const actorOf = (viewer: ConsoleViewer): string => (viewer.role === 'hq' ? 'hq' : viewer.managerCode);

/** HQ-only pages and actions (policies, tiers, imports, conversations, jobs): managers get a 404. */
export const isHq = (viewer: ConsoleViewer): viewer is { role: 'hq' } => viewer.role === 'hq';
