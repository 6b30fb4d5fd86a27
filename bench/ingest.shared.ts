/** The WeCom app the ingest benchmark's servers and driver share (fixed, not a real corp). */
export const BENCH_WECOM = {
  corpId: 'wwbench0000000001',
  token: 'BenchToken4Ingest',
  aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  agentId: '1000002',
} as const;
