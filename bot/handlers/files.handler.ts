import { type ChatFileRead, readChatFile } from '../../adapters/imports/import-bytes.js';
import type { MediaDownload } from '../../adapters/wecom/wecom.client.js';
import type { InboundMessage } from '../../core/messaging/types.js';
import type { FileHandler, StepReply } from '../dialog/turn.js';
import { commonReplies } from '../replies/common.replies.js';
import { filesReplies as text } from '../replies/files.replies.js';

/** A file fetched from its channel, or `gone`: the channel refused its media id (unknown, expired). */
export type FetchedFile = MediaDownload | { kind: 'gone' };

/** Fetches the file a message carries from the channel it came on (bot/channels/media.ts). */
export type FileFetcher = (message: InboundMessage, maxBytes: number) => Promise<FetchedFile>;

/** What the preparation made of a file: not fetched, too large, or read. */
type PreparedChatFile = { kind: 'gone' } | { kind: 'too_large' } | ChatFileRead;

const MIB = 1024 * 1024;

/**
 * Files sent in chat. A manager's file is fetched and read (CSV or XLSX by name and content, its header against the
 * imports) before the turn; in the turn it is staged for HQ when it is theirs to offer (core/imports ImportOfferDesk)
 * and answered with what it is and what happens next. A dealer's file is answered and never fetched. Nothing else
 * changes, whatever the file.
 */
export function chatFiles(deps: { fetch: FileFetcher | null; maxBytes: number }): FileHandler {
  return {
    async prepare({ identity, message }): Promise<PreparedChatFile | null> {
      if (identity.kind !== 'manager' || !deps.fetch) return null;
      const got = await deps.fetch(message, deps.maxBytes);
      if (got.kind !== 'file') return got.kind === 'gone' ? got : { kind: 'too_large' };
      return readChatFile(got.name, got.bytes);
    },

    async handle({ services, identity, message, now, prepared }): Promise<StepReply[]> {
      if (identity.kind === 'unbound') return [{ body: commonReplies.fileReceived }];
      if (identity.kind === 'dealer') return [{ body: text.fromDealer }];
      const { managerCode } = identity;
      const p = prepared as PreparedChatFile | null | undefined;
      return [{ body: p ? await answer(p) : text.fetchFailed }];

      async function answer(p: PreparedChatFile): Promise<string> {
        switch (p.kind) {
          case 'gone':
            return text.unavailable;
          case 'too_large':
            return text.tooLarge(Math.floor(deps.maxBytes / MIB));
          case 'not_import':
            return text.notImport(p.xls);
          case 'unreadable':
            return text.unreadable(p.format);
          case 'unknown_kind':
            return text.unknownKind;
          case 'read': {
            const staged = await services.importOffers.stage({
              inboundId: message.id,
              managerCode,
              channel: message.channel,
              file: p.file,
              summary: p.summary,
              now,
            });
            if (staged.kind === 'staged') return text.staged(staged.offer);
            if (staged.kind === 'hq_only') return text.hqOnly(staged.entity);
            if (staged.kind === 'empty') return text.empty(staged.entity);
            return text.outsideScope(staged.entity, staged.dealers, staged.rowsWithoutDealer);
          }
        }
      }
    },
  };
}
