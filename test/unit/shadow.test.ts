// The shadow's bookkeeping without a model: strict-span agreement counts with the primary as reference, sampling by
// share, the cap on calls running at once, and the Prometheus lines. test/shadow.test.ts runs it inside the server.
import { describe, expect, it } from 'vitest';
import type { Entity } from '../../lib/ner';
import { addAgreement, createShadow, type AgreementCounts } from '../../lib/shadow';

const entity = (label: string, start: number, end: number, score = 0.9): Entity => ({ label, start, end, text: 'x', score });

async function settled(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('addAgreement', () => {
  it('counts per label: tp both, fn primary only, fp shadow only; a span with another label is one of each', () => {
    const counts = new Map<string, AgreementCounts>();
    const primary = [[entity('PER', 0, 4), entity('LOC', 10, 15), entity('ORG', 20, 25)], []];
    const shadow = [[entity('PER', 0, 4, 0.5), entity('MISC', 10, 15), entity('ORG', 21, 25)], [entity('LOC', 0, 3)]];
    addAgreement(counts, primary, shadow);
    expect(Object.fromEntries(counts)).toEqual({
      PER: { tp: 1, fp: 0, fn: 0 },
      LOC: { tp: 0, fp: 1, fn: 1 },
      MISC: { tp: 0, fp: 1, fn: 0 },
      ORG: { tp: 0, fp: 1, fn: 1 },
    });
  });

  it('counts a repeated span once on either side', () => {
    const counts = new Map<string, AgreementCounts>();
    addAgreement(counts, [[entity('PER', 0, 4), entity('PER', 0, 4)]], [[entity('PER', 0, 4)]]);
    expect(counts.get('PER')).toEqual({ tp: 1, fp: 0, fn: 0 });
  });
});

describe('Shadow', () => {
  it('runs the share of requests its sample draws, after the offer returns', async () => {
    const draws = [0.05, 0.5, 0.09, 0.1, 0.95];
    let calls = 0;
    const shadow = createShadow(
      { extract: async (texts) => (calls++, texts.map(() => [])) },
      { share: 0.1, maxCalls: 10, timeoutMs: 1000, random: () => draws.shift() as number },
    );
    for (let i = 0; i < 5; i++) shadow.offer(['t'], {}, [[]]);
    expect(calls).toBe(0); // nothing runs inside offer()
    await settled();
    expect(calls).toBe(2); // 0.05 and 0.09 are below 0.1
    expect(shadow.stats().outcomes).toEqual({ compared: 2, failed: 0, skipped: 0 });
  });

  it('skips sampled requests while maxCalls calls run, and counts them', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const shadow = createShadow({ extract: async (texts) => (await gate, texts.map(() => [])) }, { share: 1, maxCalls: 2, timeoutMs: 60_000 });
    for (let i = 0; i < 5; i++) shadow.offer(['t'], {}, [[]]);
    await settled();
    expect(shadow.stats()).toMatchObject({ inFlight: 2, outcomes: { compared: 0, failed: 0, skipped: 3 } });
    release();
    await settled();
    expect(shadow.stats()).toMatchObject({ inFlight: 0, outcomes: { compared: 2, failed: 0, skipped: 3 } });
    await shadow.close();
  });

  it('passes its timeout to the model and the request options beside it', async () => {
    let given: unknown;
    const shadow = createShadow({ extract: async (texts, options) => ((given = options), texts.map(() => [])) }, { share: 1, maxCalls: 1, timeoutMs: 250 });
    shadow.offer(['t'], { labels: ['PER'], timeoutMs: 30_000 }, [[]]);
    await settled();
    expect(given).toEqual({ labels: ['PER'], timeoutMs: 250 });
  });

  it('renders counters Prometheus can turn into F1, and the F1 itself', async () => {
    const shadow = createShadow({ extract: async () => [[entity('PER', 0, 4), entity('LOC', 5, 9)]] }, { share: 1, maxCalls: 1, timeoutMs: 1000 });
    shadow.offer(['t'], {}, [[entity('PER', 0, 4), entity('ORG', 10, 12)]]);
    await settled();
    const lines = shadow.render();
    expect(lines).toContain('native_ner_shadow_requests_total{outcome="compared"} 1');
    expect(lines).toContain('native_ner_shadow_entities_total{label="PER",kind="tp"} 1');
    expect(lines).toContain('native_ner_shadow_entities_total{label="LOC",kind="fp"} 1');
    expect(lines).toContain('native_ner_shadow_entities_total{label="ORG",kind="fn"} 1');
    expect(lines).toContain('native_ner_shadow_agreement_f1{label="PER"} 1');
    expect(lines).toContain('native_ner_shadow_agreement_f1{label="ORG"} 0');
    expect(lines.filter((l) => l.startsWith('# TYPE')).length).toBe(5);
  });

  it('refuses a shadow without extract', () => {
    expect(() => createShadow({} as never, { share: 1, maxCalls: 1, timeoutMs: 1 })).toThrow(TypeError);
  });
});
