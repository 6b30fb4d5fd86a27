/**
 * Messages the assistant did not understand, kept so HQ can label them and the intent model can learn from real
 * traffic. Only the sender's role and (for dealers) the dealer code are kept: HQ may need the code to follow up,
 * nothing else about who wrote it.
 */

/** Why a message counts as a miss. */
export const MISS_KINDS = ['unknown', 'clarify', 'rejected'] as const;
export type MissKind = (typeof MISS_KINDS)[number];

export const MISS_STATUSES = ['open', 'labelled', 'discarded', 'exported'] as const;
export type MissStatus = (typeof MISS_STATUSES)[number];

export interface MissGuess {
  intent: string;
  p: number;
}

export interface NewMiss {
  text: string;
  kind: MissKind;
  senderRole: 'dealer' | 'manager';
  dealerCode: string | null;
  channel: string;
  guesses: readonly MissGuess[];
  at: Date;
}

export interface Miss extends NewMiss {
  id: number;
  status: MissStatus;
  label: { intent: string; slots: Record<string, unknown> } | null;
}

export interface NluMissStore {
  add(miss: NewMiss): Promise<number>;
  list(status: MissStatus, limit: number): Promise<Miss[]>;
  get(id: number): Promise<Miss | undefined>;
  /** Labels or discards an open (or already labelled) miss; false when it is unknown or exported. */
  label(id: number, label: { intent: string; slots: Record<string, unknown> } | 'discard', now: Date): Promise<boolean>;
  markExported(ids: readonly number[], now: Date): Promise<void>;
}
