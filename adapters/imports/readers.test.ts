import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import type { SourceItem } from '../../core/imports/types.js';
import { openImportFile, parseCsv, parseNdjson } from './index.js';

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  yield* parts;
}
async function all(items: AsyncIterable<SourceItem>): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const i of items) out.push(i);
  return out;
}

describe('import file readers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gs-readers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses RFC 4180 CSV across chunk boundaries, with the line each record starts on', async () => {
    const items = await all(
      parseCsv(
        chunks('Code, Name ,note\r\nD0001,"安居, 门窗","说 ""好"" \r\n', '第二行"\r\n\r\nD0002,鑫源,', '\nD0003,x,y'),
      ),
    );
    expect(items).toEqual([
      { kind: 'header', line: 1, columns: ['code', 'name', 'note'] },
      { kind: 'record', line: 2, record: { code: 'D0001', name: '安居, 门窗', note: '说 "好" \r\n第二行' } },
      { kind: 'record', line: 5, record: { code: 'D0002', name: '鑫源', note: '' } },
      { kind: 'record', line: 6, record: { code: 'D0003', name: 'x', note: 'y' } },
    ]);
    const open = await all(parseCsv(chunks('a,b\n1,"unterminated\n')));
    expect(open[1]).toEqual({
      kind: 'error',
      error: { line: 2, column: '', value: 'unterminated\n', reason: { code: 'badCsv' } },
    });
  });

  it('detects UTF-8 (with or without BOM) and GBK, and hashes the bytes', async () => {
    const text = 'sku,name\nKW-N60,窄边框平开窗\n';
    const read = async (name: string, bytes: Buffer) => {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const f = await openImportFile(path);
      return { encoding: f.encoding, sha256: f.sha256, items: await all(f.items) };
    };
    const utf8 = await read('a.csv', Buffer.from(text));
    const bom = await read('b.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const gbk = await read('c.csv', iconv.encode(text, 'gbk'));
    expect([utf8.encoding, bom.encoding, gbk.encoding]).toEqual(['utf-8', 'utf-8', 'gbk']);
    for (const r of [utf8, bom, gbk]) {
      expect(r.items[1]).toEqual({ kind: 'record', line: 2, record: { sku: 'KW-N60', name: '窄边框平开窗' } });
    }
    expect(utf8.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(gbk.sha256).not.toBe(utf8.sha256);
  });

  it('reads NDJSON objects as cells (arrays joined with |, null empty)', async () => {
    const items = await all(
      parseNdjson(chunks('{"SKU":"KW-N60","aliases":["N60","窄边框"],"moq":10,"x":null}\n[1]\n')),
    );
    expect(items).toEqual([
      { kind: 'record', line: 1, record: { sku: 'KW-N60', aliases: 'N60|窄边框', moq: '10', x: '' } },
      { kind: 'error', error: { line: 2, column: '', value: '[1]', reason: { code: 'badJson' } } },
    ]);
  });
});
