import { randomUUID } from 'node:crypto';
import type { KeyValueStore } from '../../adapters/kv/kv.js';
import { WecomApiError, type WecomClient } from '../../adapters/wecom/wecom.client.js';
import type { FetchedFile, FileFetcher } from '../handlers/files.handler.js';

/** The sandbox keeps a file as long as WeCom keeps a temporary media (3 days). */
const SANDBOX_MEDIA_TTL_MS = 3 * 86_400_000;

/**
 * Files sent to the sandbox (`/dev/chat`, `POST /sandbox/messages` with a file): kept in the KV store under a media
 * id, so the sandbox message carries a media id just as a 微信客服 message does, and is fetched the same way.
 */
export class SandboxMedia {
  constructor(private readonly kv: KeyValueStore) {}

  async put(file: { name: string; bytes: Buffer }): Promise<string> {
    const mediaId = `sandbox-${randomUUID()}`;
    const value = JSON.stringify({ name: file.name, data: file.bytes.toString('base64') });
    await this.kv.set(`sandbox:media:${mediaId}`, value, SANDBOX_MEDIA_TTL_MS);
    return mediaId;
  }

  async get(mediaId: string, maxBytes: number): Promise<FetchedFile> {
    const raw = await this.kv.get(`sandbox:media:${mediaId}`);
    if (!raw) return { kind: 'gone' };
    const { name, data } = JSON.parse(raw) as { name: string; data: string };
    const bytes = Buffer.from(data, 'base64');
    if (bytes.length > maxBytes) return { kind: 'too_large', maxBytes };
    return { kind: 'file', name, contentType: 'application/octet-stream', bytes };
  }
}

/** WeCom's refusals of a media id (40007 invalid or expired, 41006 missing): the file is gone, nothing to retry. */
const MEDIA_GONE = new Set([40007, 41006]);

/**
 * Fetches a message's file from the channel it came on: 微信客服 media with the KF secret's token, WeCom app media
 * with the app's, sandbox files from the KV store. A refused media id is `gone`; other failures throw.
 */
export function channelFiles(deps: { wecom: WecomClient | null; sandbox: SandboxMedia | null }): FileFetcher {
  return async (message, maxBytes) => {
    const mediaId = message.payload['mediaId'];
    if (typeof mediaId !== 'string' || mediaId === '') return { kind: 'gone' };
    if (message.channel === 'sandbox') return deps.sandbox ? deps.sandbox.get(mediaId, maxBytes) : { kind: 'gone' };
    if (!deps.wecom || (message.channel !== 'kf' && message.channel !== 'wecom')) return { kind: 'gone' };
    try {
      return await deps.wecom.getMedia(mediaId, { kind: message.channel === 'kf' ? 'kf' : 'app', maxBytes });
    } catch (e) {
      if (e instanceof WecomApiError && MEDIA_GONE.has(e.errcode)) return { kind: 'gone' };
      throw e;
    }
  };
}
