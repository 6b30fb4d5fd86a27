import { expect, it } from 'vitest';
import { SentMarks } from './sent-marks.js';

/** The outbox's markSentAll, recording each statement; `gate` holds the first one open. */
function recordingOutbox() {
  const statements: number[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let failNext = false;
  return {
    statements,
    release,
    failNext: () => {
      failNext = true;
    },
    outbox: {
      async markSentAll(rows: readonly { id: number; at: Date }[]) {
        statements.push(rows.map((r) => r.id));
        if (statements.length === 1) await gate;
        if (failNext) {
          failNext = false;
          throw new Error('connection lost');
        }
      },
    },
  };
}

it('writes a mark at once, and the marks that arrive meanwhile together in the next statement', async () => {
  const r = recordingOutbox();
  const marks = new SentMarks(r.outbox);
  const first = marks.mark(1, new Date());
  const later = [2, 3, 4].map((id) => marks.mark(id, new Date()));
  expect(r.statements).toEqual([[1]]);
  r.release();
  await Promise.all([first, ...later]);
  expect(r.statements).toEqual([[1], [2, 3, 4]]);
});

it('rejects only the marks of a failing statement; the marks queued behind it are written', async () => {
  const r = recordingOutbox();
  const marks = new SentMarks(r.outbox);
  const failing = marks.mark(1, new Date());
  const queued = marks.mark(2, new Date());
  r.failNext();
  r.release();
  const outcomes = await Promise.allSettled([failing, queued]);
  expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
  await marks.mark(3, new Date());
  expect(r.statements).toEqual([[1], [2], [3]]);
});
