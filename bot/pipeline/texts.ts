/**
 * The words the pipeline itself sends. They live in bot/replies (pipeline.replies.ts) and are handed down by the
 * composition root, so the pipeline never imports replies.
 */
export interface PipelineTexts {
  /** To a dealer whose message could not be handled: their manager follows up. */
  parkedToDealer: string;
  /** To anyone else whose message could not be handled. */
  parkedToOthers: string;
  /** To the manager's alert chat: a dealer's message needs a person. */
  parkedAlert(dealerName: string, dealerCode: string, text: string): string;
  /** To the manager: a push could not reach the dealer (KF window closed); pass it on. */
  unreachable(dealerName: string, dealerCode: string, body: string): string;
}
