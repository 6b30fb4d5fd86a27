import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { productionNodeFlags } from '../bench/node-flags.js';

const ROOT = resolve(import.meta.dirname, '..');

describe('how production starts node', () => {
  it("npm start runs dist/ with the Dockerfile's node flags (the benchmarks and the soak read them from there)", () => {
    const flags = productionNodeFlags(ROOT);
    expect(flags).toContain('--max-semi-space-size=64');
    const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } })
      .scripts.start;
    expect(start).toContain(`exec node ${flags.join(' ')} dist/bot/main.js`);
  });

  it("reads the image's exec-form CMD, not HEALTHCHECK's shell-form one, and nothing from a CMD without node", () => {
    const dir = mkdtempSync(join(tmpdir(), 'node-flags-'));
    try {
      const write = (text: string) => writeFileSync(join(dir, 'Dockerfile'), text);
      write('FROM x\nHEALTHCHECK CMD node -e "1"\n  CMD node -e "x"\nCMD ["node", "--a=1", "--b", "dist/m.js"]\n');
      expect(productionNodeFlags(dir)).toEqual(['--a=1', '--b']);
      write('FROM x\nCMD ["node", "dist/m.js"]\n');
      expect(productionNodeFlags(dir)).toEqual([]);
      write('FROM x\nCMD ["/entry.sh"]\n');
      expect(productionNodeFlags(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
