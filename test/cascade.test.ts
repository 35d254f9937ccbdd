// Cascades with the real models: CoNLL-2003 int8 → fp32 (the same model, quantized first), a `native-ner serve`
// child as the remote tier, remotes that fail (500) or hang (tiny local servers), and an arbitrary object tier.
// All traffic stays on 127.0.0.1; every fault case is bounded by the tier's timeout and retries.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cascade, evaluate, readConll, type Entity, type TierExtractor } from '../lib';
import { CONLL_MODEL, SHARED, startServe, useModel, type ServeProcess } from './helpers';

const dataset = readConll(join(SHARED, 'datasets', 'conll2003', 'eng.testb'));
// Every 17th sentence: 204 texts from across the set, some without entities.
const texts = dataset.sentences.filter((_, i) => i % 17 === 0).map((s) => s.text);

const int8 = useModel(CONLL_MODEL, { modelFile: 'model_int8.onnx', intraOpThreads: 1 });
const fp32 = useModel(CONLL_MODEL, { intraOpThreads: 1 });

let fastAnswers: Entity[][];
let slowAnswers: Entity[][];
beforeAll(async () => {
  fastAnswers = await int8().extract(texts);
  slowAnswers = await fp32().extract(texts);
});

const INT8 = 'conll03-bert-small/model_int8.onnx';
const FP32 = 'conll03-bert-small/model.onnx';
const lowestScore = (entities: Entity[]) => Math.min(...entities.map((e) => e.score));

/** A loopback server answering every request with `handler`; counts the requests. */
async function faultServer(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests++;
    handler!(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('int8 → fp32', () => {
  it('escalates nothing at threshold 0: every answer is the int8 model’s own', async () => {
    const c = cascade([int8(), fp32()], { threshold: 0 });
    const results = await c.run(texts);
    expect(results.every((r) => r.tier === INT8 && !r.escalated)).toBe(true);
    expect(results.map((r) => r.entities)).toEqual(fastAnswers);
    expect(c.stats()).toMatchObject({ texts: texts.length, escalated: 0, escalatedShare: 0 });
  });

  it('judges int8 by minProb (asking it for the signals) but answers without them unless the caller asks', async () => {
    const withSignals = await int8().extract(texts, { confidence: true });
    expect(withSignals.flat().every((e) => typeof e.minProb === 'number' && typeof e.margin === 'number')).toBe(true);
    const threshold = 0.9;
    // A text where minProb and score disagree about the threshold shows which one judged.
    const byMinProb = withSignals.map((e) => e.length > 0 && Math.min(...e.map((x) => x.minProb as number)) < threshold);
    const byScore = fastAnswers.map((e) => e.length > 0 && lowestScore(e) < threshold);
    expect(byMinProb).not.toEqual(byScore);
    const results = await cascade([int8(), fp32()], { threshold }).run(texts);
    expect(results.map((r) => r.escalated)).toEqual(byMinProb);
    expect(results.flatMap((r) => r.entities).some((e) => 'minProb' in e)).toBe(false);
    const asked = await cascade([int8(), fp32()], { threshold }).run(texts, { confidence: true });
    expect(asked.filter((r) => r.tierIndex === 0).flatMap((r) => r.entities).every((e) => typeof e.minProb === 'number')).toBe(true);
  });

  it('escalates every text with an entity at threshold 1, and answers those with the fp32 model’s entities', async () => {
    const c = cascade([int8(), fp32()], { threshold: 1 });
    const results = await c.run(texts);
    const withEntities = fastAnswers.map((e) => e.length > 0);
    expect(withEntities.filter(Boolean).length).toBeGreaterThan(100);
    expect(withEntities.filter((x) => !x).length).toBeGreaterThan(5);
    results.forEach((result, i) => {
      expect(result.tier).toBe(withEntities[i] ? FP32 : INT8);
      expect(result.entities).toEqual(withEntities[i] ? slowAnswers[i] : []);
    });
    expect(c.stats().escalated).toBe(withEntities.filter(Boolean).length);
  });

  it('at a threshold between, escalates exactly the texts whose lowest int8 entity score is below it', async () => {
    const threshold = 0.9;
    const results = await cascade([int8(), fp32()], { threshold, signal: 'score' }).run(texts);
    const expected = fastAnswers.map((e) => e.length > 0 && lowestScore(e) < threshold);
    expect(expected.filter(Boolean).length).toBeGreaterThan(5);
    expect(expected.filter((x) => !x).length).toBeGreaterThan(5);
    expect(results.map((r) => r.escalated)).toEqual(expected);
    results.forEach((r, i) => expect(r.confidence).toBe(expected[i] ? null : fastAnswers[i].length > 0 ? lowestScore(fastAnswers[i]) : null));
  });

  it('caps escalations by the budget: at most floor(share × windowTexts) in any window of texts', async () => {
    const c = cascade([int8(), fp32()], { threshold: 1, budget: { share: 0.1, windowTexts: 50 } });
    // In calls of 30 texts, as a server would see them.
    const results = [];
    for (let from = 0; from < texts.length; from += 30) results.push(...(await c.run(texts.slice(from, from + 30))));
    const escalated = results.map((r) => (r.escalated ? 1 : 0));
    for (let from = 0; from + 50 <= escalated.length; from++) {
      expect(escalated.slice(from, from + 50).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5);
    }
    const stats = c.stats();
    expect(stats.escalated).toBeGreaterThanOrEqual(15); // the budget is used, not just respected
    expect(stats.escalated + stats.budgetDenied).toBe(fastAnswers.filter((e) => e.length > 0).length);
    expect(stats.budget).toMatchObject({ cap: 5, windowTexts: 50 });
  });

  it('works as an Extractor: evaluate() scores the cascade, entities naming their tier', async () => {
    const sample = { ...dataset, sentences: dataset.sentences.filter((_, i) => i % 17 === 0) };
    const c = cascade([int8(), fp32()], { threshold: 0.8 });
    const scores = await evaluate(c, sample);
    const alone = await evaluate(int8(), sample);
    expect(scores.overall.gold).toBe(alone.overall.gold);
    expect(scores.overall.f1).toBeGreaterThan(0.5);
    const entities = await c.extract(texts.slice(0, 20));
    expect(entities.flat().every((e) => e.tier === INT8 || e.tier === FP32)).toBe(true);
  });
});

describe('a remote tier', () => {
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startServe(['--model', CONLL_MODEL, '--port', '0', '--threads', '1']);
  });
  afterAll(async () => {
    serve?.child.kill('SIGTERM');
    await serve?.exited;
  });

  it('answers escalated texts through native-ner serve with the fp32 model’s entities', async () => {
    const c = cascade([int8(), { tier: serve.url, name: 'remote fp32' }], { threshold: 0.9, signal: 'score' });
    const results = await c.run(texts);
    const escalated = results.flatMap((r, i) => (r.escalated ? [i] : []));
    expect(escalated.length).toBeGreaterThan(5);
    for (const i of escalated) {
      expect(results[i].tier).toBe('remote fp32');
      expect(results[i].entities).toEqual(slowAnswers[i]);
      expect(results[i].degraded).toBeUndefined();
    }
    expect(c.stats().tiers[1]).toMatchObject({ calls: 1, texts: escalated.length, failures: 0 });
  });

  it('that answers 500 is retried a bounded number of times, then the int8 answer stands, flagged', async () => {
    const down = await faultServer((_, response) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end('{"error":{"code":"ERR_INTERNAL","message":"boom"}}');
    });
    try {
      const c = cascade([int8(), down.url], { threshold: 1, remote: { retries: 2, retryDelayMs: 10, timeoutMs: 2000 } });
      // int8 scores depend a little on the batch (dynamic quantization), so the reference is the same 10 texts' call.
      const own = await int8().extract(texts.slice(0, 10));
      const results = await c.run(texts.slice(0, 10));
      expect(down.requests()).toBe(3); // one call, three attempts
      results.forEach((r, i) => {
        expect(r.entities).toEqual(own[i]);
        expect(r.tier).toBe(INT8);
        if (own[i].length > 0) expect(r.degraded).toEqual({ tier: down.url, reason: expect.stringMatching(/after 3 attempts: .* answered 500/) });
        else expect(r.degraded).toBeUndefined();
      });
      expect(c.stats()).toMatchObject({ degraded: results.filter((r) => r.degraded).length });
    } finally {
      await down.close();
    }
  });

  it('that hangs times out per attempt and degrades within the bound of timeouts and retries', async () => {
    const hanging = await faultServer(() => undefined); // reads the request, never answers
    try {
      const c = cascade([int8(), hanging.url], { threshold: 1, remote: { retries: 1, retryDelayMs: 10, timeoutMs: 300 } });
      const own = await int8().extract(texts.slice(0, 10));
      const started = performance.now();
      const results = await c.run(texts.slice(0, 10));
      const elapsed = performance.now() - started;
      expect(hanging.requests()).toBe(2);
      expect(elapsed).toBeGreaterThanOrEqual(600);
      expect(elapsed).toBeLessThan(5000);
      const degraded = results.filter((r) => r.degraded);
      expect(degraded.length).toBeGreaterThan(0);
      for (const r of degraded) expect(r.degraded?.reason).toMatch(/timed out after 300 ms/);
      expect(results.map((r) => r.entities)).toEqual(own);
    } finally {
      await hanging.close();
    }
  });

  it('that refuses the request (4xx) is not retried', async () => {
    const refusing = await faultServer((_, response) => {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end('{"error":{"code":"ERR_BAD_REQUEST","message":"no"}}');
    });
    try {
      const [result] = await cascade([int8(), refusing.url], { threshold: 1, remote: { retries: 3, retryDelayMs: 10 } }).run([texts[1]]);
      expect(refusing.requests()).toBe(1);
      expect(result.degraded?.reason).toMatch(/after 1 attempt: .* answered 400/);
    } finally {
      await refusing.close();
    }
  });
});

describe('an arbitrary object tier', () => {
  it('answers escalated texts and is named as given', async () => {
    // A stand-in "expert": tags every capitalised word as MISC with score 1.
    const expert: TierExtractor = {
      async extract(batch) {
        return batch.map((text) =>
          [...text.matchAll(/\b\p{Lu}\w*/gu)].map((m) => ({ label: 'MISC', start: m.index, end: m.index + m[0].length, text: m[0], score: 1 })),
        );
      },
    };
    const results = await cascade([int8(), { tier: expert, name: 'expert' }], { threshold: 1 }).run(texts.slice(0, 30));
    results.forEach((r, i) => {
      if (fastAnswers[i].length === 0) return expect(r.tier).toBe(INT8);
      expect(r.tier).toBe('expert');
      expect(r.entities.every((e) => e.label === 'MISC' && texts[i].slice(e.start, e.end) === e.text)).toBe(true);
    });
  });
});
