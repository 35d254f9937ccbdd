// The shadow model beside the primary (createService's shadow, serve --shadow): the primary's answers are the same
// byte for byte with no shadow, a real int8 shadow, one that throws, one that rejects and one that never answers;
// a slow shadow adds no time to responses (they arrive while it is still running), its extra calls are skipped and
// its timeouts counted; the agreement counters equal an independent comparison; the CLI flag works end to end.
// All traffic stays on 127.0.0.1.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, NativeNer, readConll, scoreSpans, type Entity, type NerService, type ServiceOptions } from '../lib';
import type { ShadowExtractor } from '../lib/shadow';
import { CONLL_MODEL, SHARED, startServe } from './helpers';

const sentences = readConll(join(SHARED, 'datasets', 'conll2003', 'eng.testb')).sentences.map((s) => s.text);
// Twelve requests of 1 to 6 texts from across the test set.
const requests: string[][] = Array.from({ length: 12 }, (_, r) => sentences.slice(r * 97, r * 97 + 1 + (r % 6)));

const loadPrimary = () => NativeNer.load(CONLL_MODEL, { intraOpThreads: 1 });

async function started(options: ServiceOptions): Promise<NerService> {
  const service = createService(await loadPrimary(), options);
  await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
  return service;
}

/** POSTs `texts` to /extract; the body exactly as received, and the time to the full answer. */
async function post(service: NerService, texts: string[]): Promise<{ status: number; body: string; ms: number }> {
  const begun = performance.now();
  const response = await fetch(`${service.url()}/extract`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ texts }),
  });
  const body = await response.text();
  return { status: response.status, body, ms: performance.now() - begun };
}

async function metric(service: NerService, line: string): Promise<number | undefined> {
  const text = await (await fetch(`${service.url()}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.split(' ').pop());
}

async function until(probe: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await probe())) {
    if (performance.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A shadow that holds every call until release() (or forever). */
function heldShadow(): ShadowExtractor & { release(): void; calls: number } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const shadow = {
    calls: 0,
    release: () => open(),
    async extract(texts: string[]): Promise<Entity[][]> {
      shadow.calls++;
      await gate;
      return texts.map(() => []);
    },
  };
  return shadow;
}

let baseline: string[];
beforeAll(async () => {
  const plain = await started({});
  try {
    baseline = [];
    for (const texts of requests) {
      const { status, body } = await post(plain, texts);
      expect(status).toBe(200);
      baseline.push(body);
    }
  } finally {
    await plain.shutdown();
  }
});

describe("the primary's answers", () => {
  const shadows: [string, () => Promise<ShadowExtractor>][] = [
    ['a real int8 shadow', () => NativeNer.load(CONLL_MODEL, { modelFile: 'model_int8.onnx', intraOpThreads: 1 })],
    [
      'a shadow that throws',
      async () => ({
        extract: () => {
          throw new Error('shadow broke');
        },
      }),
    ],
    ['a shadow that rejects', async () => ({ extract: async () => Promise.reject(new Error('shadow broke')) })],
    ['a shadow that answers the wrong number of texts', async () => ({ extract: async () => [] })],
    ['a shadow that never answers', async () => ({ extract: () => new Promise<Entity[][]>(() => undefined) })],
  ];

  for (const [name, makeShadow] of shadows) {
    it(`are byte for byte the same with ${name}`, async () => {
      const service = await started({ shadow: await makeShadow(), shadowShare: 1, shadowTimeoutMs: 2000 });
      try {
        const bodies = [];
        for (const texts of requests) {
          const { status, body } = await post(service, texts);
          expect(status).toBe(200);
          bodies.push(body);
        }
        expect(bodies).toEqual(baseline);
        // The shadow did run (or was skipped while one call hung), so the comparison above means something.
        const outcomes = await Promise.all(['compared', 'failed', 'skipped'].map((o) => metric(service, `native_ner_shadow_requests_total{outcome="${o}"}`)));
        const inFlight = (await metric(service, 'native_ner_shadow_in_flight')) ?? 0;
        expect((outcomes as number[]).reduce((a, b) => a + b, 0) + inFlight).toBeGreaterThanOrEqual(requests.length - 1);
      } finally {
        await service.shutdown();
      }
    });
  }
});

describe('a slow shadow', () => {
  it('adds no time: answers arrive while it still runs; calls past shadowMaxCalls are skipped and counted', async () => {
    const shadow = heldShadow();
    const service = await started({ shadow, shadowShare: 1, shadowMaxCalls: 1, shadowTimeoutMs: 60_000 });
    try {
      const answers = [];
      for (const texts of requests.slice(0, 6)) answers.push(await post(service, texts));
      // Every answer came back, and the one shadow call is still held: nothing waited for it.
      expect(answers.map((a) => a.body)).toEqual(baseline.slice(0, 6));
      expect(shadow.calls).toBe(1);
      expect(await metric(service, 'native_ner_shadow_in_flight')).toBe(1);
      expect(await metric(service, 'native_ner_shadow_requests_total{outcome="skipped"}')).toBe(5);
      shadow.release();
      await until(async () => (await metric(service, 'native_ner_shadow_requests_total{outcome="compared"}')) === 1, 5000, 'the held call compared');
      expect(await metric(service, 'native_ner_shadow_in_flight')).toBe(0);
    } finally {
      await service.shutdown();
    }
  });

  it('is counted as failed at its timeout and keeps its slot until it really ends', async () => {
    const shadow = heldShadow();
    const service = await started({ shadow, shadowShare: 1, shadowMaxCalls: 1, shadowTimeoutMs: 100 });
    try {
      expect((await post(service, requests[0])).body).toBe(baseline[0]);
      await until(async () => (await metric(service, 'native_ner_shadow_requests_total{outcome="failed"}')) === 1, 5000, 'the timeout counted');
      expect((await post(service, requests[1])).body).toBe(baseline[1]);
      expect(await metric(service, 'native_ner_shadow_requests_total{outcome="skipped"}')).toBe(1);
      shadow.release();
      // An answer after the deadline is not compared.
      await until(async () => (await metric(service, 'native_ner_shadow_in_flight')) === 0, 5000, 'the slot freed');
      expect(await metric(service, 'native_ner_shadow_requests_total{outcome="compared"}')).toBe(0);
    } finally {
      await service.shutdown();
    }
  });
});

describe('shutdown', () => {
  it('disposes the shadow model without waiting for its calls', async () => {
    const shadow = await NativeNer.load(CONLL_MODEL, { modelFile: 'model_int8.onnx', intraOpThreads: 1 });
    const service = await started({ shadow, shadowShare: 1, shadowTimeoutMs: 60_000 });
    // A large request: the shadow is still running it when shutdown begins.
    expect((await post(service, sentences.slice(0, 400))).status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await metric(service, 'native_ner_shadow_in_flight')).toBe(1);
    const begun = performance.now();
    await service.shutdown();
    expect(shadow.disposed).toBe(true);
    expect(performance.now() - begun).toBeLessThan(5000);
  });

  it('survives a shadow whose dispose throws', async () => {
    const service = await started({
      shadow: {
        extract: async (texts: string[]) => texts.map(() => []),
        dispose: () => {
          throw new Error('no');
        },
      },
      shadowShare: 1,
    });
    await service.shutdown();
  });
});

describe('agreement', () => {
  it('counts tp, fp and fn per label as an independent strict-span comparison of the two models gives', async () => {
    const int8 = await NativeNer.load(CONLL_MODEL, { modelFile: 'model_int8.onnx', intraOpThreads: 1 });
    const reference = await NativeNer.load(CONLL_MODEL, { modelFile: 'model_int8.onnx', intraOpThreads: 1 });
    // The primary is fp32: the counts compare two different models.
    const service = await started({ shadow: int8, shadowShare: 1 });
    try {
      const primary: Entity[][] = [];
      const shadowAnswers: Entity[][] = [];
      for (const [r, texts] of requests.entries()) {
        primary.push(...(JSON.parse((await post(service, texts)).body) as { entities: Entity[][] }).entities);
        // One request at a time, so each shadow call is its own batch, as this reference call is.
        shadowAnswers.push(...(await reference.extract(texts)));
        await until(async () => (await metric(service, 'native_ner_shadow_requests_total{outcome="compared"}')) === r + 1, 10_000, 'compared');
      }
      const expected = scoreSpans(primary, shadowAnswers).byType;
      expect(Object.keys(expected).length).toBeGreaterThanOrEqual(3);
      for (const [label, { tp, pred, gold }] of Object.entries(expected)) {
        expect(await metric(service, `native_ner_shadow_entities_total{label="${label}",kind="tp"}`)).toBe(tp);
        expect(await metric(service, `native_ner_shadow_entities_total{label="${label}",kind="fp"}`)).toBe(pred - tp);
        expect(await metric(service, `native_ner_shadow_entities_total{label="${label}",kind="fn"}`)).toBe(gold - tp);
        expect(await metric(service, `native_ner_shadow_agreement_f1{label="${label}"}`)).toBeCloseTo(expected[label].f1, 12);
      }
      expect(await metric(service, 'native_ner_shadow_texts_total')).toBe(requests.flat().length);
      expect(Object.values(expected).reduce((sum, s) => sum + s.tp, 0)).toBeGreaterThan(10);
    } finally {
      await service.shutdown();
      await reference.dispose();
    }
  });

  it('runs nothing at share 0, and /metrics has no shadow lines without a shadow', async () => {
    const shadow = { calls: 0, extract: async (texts: string[]) => (shadow.calls++, texts.map(() => [])) };
    const service = await started({ shadow, shadowShare: 0 });
    try {
      for (const texts of requests.slice(0, 4)) await post(service, texts);
      expect(shadow.calls).toBe(0);
    } finally {
      await service.shutdown();
    }
    const plain = await started({});
    try {
      const text = await (await fetch(`${plain.url()}/metrics`)).text();
      expect(text).not.toContain('native_ner_shadow');
      expect(text.endsWith('\n')).toBe(true);
    } finally {
      await plain.shutdown();
    }
  });
});

describe('native-ner serve --shadow', () => {
  let serve: Awaited<ReturnType<typeof startServe>> | undefined;
  afterAll(async () => {
    serve?.child.kill('SIGTERM');
    await serve?.exited;
  });

  it('loads the shadow from an .onnx file path, compares on every request at share 1, and exports the agreement', async () => {
    serve = await startServe([
      '--model', CONLL_MODEL, '--port', '0', '--threads', '1',
      '--shadow', join(CONLL_MODEL, 'model_int8.onnx'), '--shadow-share', '1',
    ]);
    const answer = await fetch(`${serve.url}/extract`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ texts: requests[3] }),
    });
    expect(answer.status).toBe(200);
    const metrics = async () => (await fetch(`${serve!.url}/metrics`)).text();
    const deadline = performance.now() + 10_000;
    while (!(await metrics()).includes('native_ner_shadow_requests_total{outcome="compared"} 1')) {
      if (performance.now() > deadline) throw new Error(`no shadow comparison in /metrics:\n${await metrics()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await metrics()).toMatch(/native_ner_shadow_agreement_f1\{label="(PER|ORG|LOC|MISC)"\} (0|1|0\.\d+)\n/);
  });
});
