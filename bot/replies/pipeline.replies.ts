/** The words the pipeline itself sends, handed to the worker and dispatcher by the composition root. */
export interface PipelineTexts {
  /** To a dealer whose message could not be handled: their manager follows up. */
  parkedToDealer: string;
  /** To anyone else whose message could not be handled. */
  parkedToOthers: string;
  /** To the manager's alert chat: a dealer's message needs a person. */
  parkedAlert(dealerName: string, dealerCode: string, text: string): string;
  /** To the manager: a push could not reach the dealer (KF window closed); pass it on. */
  unreachable(dealerName: string, dealerCode: string, body: string): string;
  /** To the manager when a message to their dealer failed for good (dead-lettered). */
  undelivered(dealerName: string, dealerCode: string, body: string): string;
}

/** What the pipeline sends on its own: apologies for a parked message, and hand-overs to the account manager. */
export const pipelineReplies: PipelineTexts = {
  parkedToDealer: '抱歉，这条消息暂时没能处理成功，已记录下来并转给您的客户经理跟进。您也可以稍后再试。',
  parkedToOthers: '抱歉，这条消息暂时没能处理成功，已记录下来。请稍后再试。',
  parkedAlert: (name, code, text) =>
    `【待跟进】${name}（${code}）的一条消息系统未能处理，请人工回复：\n“${text.slice(0, 300)}”`,
  unreachable: (name, code, body) =>
    `【待跟进】无法直接联系 ${name}（${code}）：对方已超过 48 小时未在微信客服发消息。请您转达以下内容：\n${body}`,
  undelivered: (name, code, body) =>
    `【待跟进】发给 ${name}（${code}）的消息多次发送失败，未能送达。请您转达以下内容：\n${body}`,
};
