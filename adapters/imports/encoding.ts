import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export type TextEncodingName = 'utf-8' | 'gbk';

/**
 * One streaming pass over a file: its SHA-256 and whether it is valid UTF-8. A Chinese Excel "CSV" export is GBK
 * (code page 936), which is almost never valid UTF-8, so "valid UTF-8 (with or without BOM), else GBK" is how the
 * encoding is detected. Node's full-ICU TextDecoder decodes GBK (no extra package).
 */
export async function scanFile(path: string): Promise<{ sha256: string; utf8: boolean; bytes: number }> {
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let utf8 = true;
  let bytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    if (utf8) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        utf8 = false;
      }
    }
  }
  if (utf8) {
    try {
      decoder.decode();
    } catch {
      utf8 = false;
    }
  }
  return { sha256: hash.digest('hex'), utf8, bytes };
}

/** The file's text in chunks, decoded as `encoding` (BOM dropped; invalid bytes become U+FFFD). */
export async function* decodeFile(path: string, encoding: TextEncodingName): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding);
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}
