import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCatalogCsv } from '../../core/catalog/catalog.csv.js';
import { CatalogMatcher } from './catalog.matcher.js';
import {
  DEFAULT_TRAIN,
  IntentModel,
  type TrainExample,
  classText,
  seededRandom,
  stratifiedFolds,
  toExamples,
  trainIntentModel,
} from './intent.model.js';
import { DEFAULT_CATALOG_PATH, parseEvalJsonl } from './nlu.eval.js';

const matcher = new CatalogMatcher(parseCatalogCsv(readFileSync(DEFAULT_CATALOG_PATH, 'utf8')));
const DEV = parseEvalJsonl(readFileSync(new URL('../../test/fixtures/nlu-dev.jsonl', import.meta.url), 'utf8'));
const P = '\ue001';
const NUM = '\ue002';

describe('classText', () => {
  it('replaces products, numbers and codes by class tokens; spaces and punctuation are one separator', () => {
    expect(classText('N60 改成40套，谢谢', matcher)).toBe(`${P}|改成${NUM}套|谢谢`);
    expect(classText('订30套窄边框平开窗N60。', matcher)).toBe(`订${NUM}套${P}`);
    expect(classText('ＳＯ２０２６１１２０００１２ 到哪了', matcher)).toBe('\ue003|到哪了');
    expect(classText('N1024处理好了', matcher)).toBe('\ue004处理好了');
    expect(classText('我是D0012 ，手机13800138000', matcher)).toBe('我是\ue005|手机\ue006');
  });

  it('keeps Latin words lower-cased and folds full-width', () => {
    expect(classText('Xyz ＱＱＱ 12.5', matcher)).toBe(`xyz|qqq|${NUM}`);
  });
});

describe('stratifiedFolds', () => {
  it('deals every label evenly over the folds, the same way for the same seed', () => {
    const labels = [...Array(10).fill('a'), ...Array(5).fill('b'), ...Array(3).fill('c')];
    const folds = stratifiedFolds(labels, 5, 3);
    expect(folds).toEqual(stratifiedFolds(labels, 5, 3));
    expect(folds).not.toEqual(stratifiedFolds(labels, 5, 4));
    for (let f = 0; f < 5; f++) {
      expect(labels.filter((l, i) => l === 'a' && folds[i] === f)).toHaveLength(2);
      expect(labels.filter((l, i) => l === 'b' && folds[i] === f)).toHaveLength(1);
      expect(labels.filter((_, i) => folds[i] === f).length).toBeGreaterThanOrEqual(3);
    }
  });

  it('seededRandom is a fixed sequence in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(xs).toEqual(Array.from({ length: 5 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('trainIntentModel', () => {
  const examples = toExamples(DEV, matcher);

  it('is deterministic: the same corpus gives the same stored model', () => {
    const a = trainIntentModel(examples, DEFAULT_TRAIN, { corpusSha256: 'x' }).toJson();
    const b = trainIntentModel(examples, DEFAULT_TRAIN, { corpusSha256: 'x' }).toJson();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.corpusSha256).toBe('x');
    expect(a.trainedOn).toBe(DEV.length);
  });

  it('fits its training lines and survives the JSON round trip unchanged', () => {
    const model = trainIntentModel(examples);
    const right = examples.filter((e) => model.rankClassText(e.ct, e)[0]!.intent === e.intent).length;
    expect(right / examples.length).toBeGreaterThan(0.95);
    const copy = IntentModel.fromJson(JSON.parse(JSON.stringify(model.toJson())));
    for (const e of examples.slice(0, 30)) expect(copy.rankClassText(e.ct, e)).toEqual(model.rankClassText(e.ct, e));
    expect(copy.size).toBe(model.size);
  });

  it('generalises a frame over products it never saw in that frame', () => {
    const ex = (text: string, intent: string): TrainExample => ({
      ct: classText(text, matcher),
      sender: 'dealer',
      intent,
    });
    const train = [
      ex('N60有货吗', 'stock.query'),
      ex('T80还有货吗', 'stock.query'),
      ex('A50 有货没', 'stock.query'),
      ex('订20套N60', 'order.place'),
      ex('订5套T80', 'order.place'),
      ex('下单A70 30套', 'order.place'),
      ex('你好', 'greeting'),
      ex('您好啊', 'greeting'),
    ];
    const model = trainIntentModel(train);
    expect(model.rank('隐形门有货吗', { sender: 'dealer' }, matcher)[0]!.intent).toBe('stock.query');
    expect(model.rank('订12套隐形门', { sender: 'dealer' }, matcher)[0]!.intent).toBe('order.place');
  });

  it('uses the context: the same word reads differently while an order draft waits', () => {
    const train: TrainExample[] = [
      ...['好', '好的', '行', '可以'].map((t) => ({
        ct: t,
        awaiting: 'order_confirm' as const,
        sender: 'dealer' as const,
        intent: 'confirm',
      })),
      ...['好', '好的', '你好', '嗨'].map((t) => ({ ct: t, sender: 'dealer' as const, intent: 'greeting' })),
    ];
    const model = trainIntentModel(train);
    expect(model.rankClassText('好', { sender: 'dealer', awaiting: 'order_confirm' })[0]!.intent).toBe('confirm');
    expect(model.rankClassText('好', { sender: 'dealer' })[0]!.intent).toBe('greeting');
  });

  it('drops intents a predicate disallows and renormalises', () => {
    const model = trainIntentModel(toExamples(DEV, matcher));
    const ranked = model.rankClassText('\ue004我来处理', { sender: 'dealer' }, (i) => !i.startsWith('am.'));
    expect(ranked.filter((s) => s.intent.startsWith('am.') && s.p > 0)).toEqual([]);
    expect(ranked.reduce((a, s) => a + s.p, 0)).toBeCloseTo(1, 6);
    const all = model.rankClassText('\ue004我来处理', { sender: 'manager' });
    expect(all[0]!.intent).toBe('am.need.claim');
  });
});
