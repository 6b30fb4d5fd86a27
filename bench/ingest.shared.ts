/** The WeCom app the ingest benchmark's servers and driver share (fixed, not a real corp). */
export const BENCH_WECOM = {
  corpId: 'wwbench0000000001',
  token: 'BenchToken4Ingest',
  aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  agentId: '1000002',
} as const;

/** The mini-program the ingest benchmark's `ours` server also serves (safe mode, JSON), for the channel comparison. */
export const BENCH_MP = {
  appId: 'wxbench000000001',
  appSecret: 'bench-mp-secret',
  token: 'BenchMpToken4Ingest',
  aesKey: 'kXnZn8rs6oNpBVxaSkHuCyna4LB2ulBk4zllS7r3C3D',
  originalId: 'gh_bench000001',
} as const;
