/** Message counts per status, for the admin status endpoint. */
export interface PipelineStatusReader {
  counts(): Promise<{
    inbound: Array<{ status: string; n: number }>;
    outbox: Array<{ status: string; n: number }>;
  }>;
}
