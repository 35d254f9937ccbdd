// The cascade's rules on stand-in tiers (no model): which texts escalate at a threshold, the empty-text policy, the
// budget's windows by count and by time, degrading to the previous tier when a later one fails, per-tier confidence
// functions, and the checks on its options. test/cascade.test.ts runs the real models and remote tiers.
import { describe, expect, it } from 'vitest';
import { Cascade, cascade, cascadeMetricLines, EscalationBudget, type TierExtractor } from '../../lib/cascade';
import type { Entity } from '../../lib/ner';

/** A tier that gives each text one entity scored by `scoreOf(text)` (none when it returns null), and logs its calls. */
function scoredTier(scoreOf: (text: string) => number | null, extra: Partial<Entity> = {}): TierExtractor & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async extract(texts) {
      calls.push([...texts]);
      return texts.map((text) => {
        const score = scoreOf(text);
        return score === null ? [] : [{ label: 'X', start: 0, end: text.length, text, score, ...extra }];
      });
    },
  };
}

const scoreFromText = (text: string) => (text === 'empty' ? null : Number(text));

describe('cascade escalation', () => {
  it('sends on exactly the texts whose least confident entity is below the threshold', async () => {
    const fast = scoredTier(scoreFromText);
    const slow = scoredTier(() => 0.99);
    const c = cascade([fast, slow], { threshold: 0.5 });
    const results = await c.run(['0.2', '0.7', '0.5', '0.49']);
    expect(results.map((r) => r.tier)).toEqual(['tier1', 'tier0', 'tier0', 'tier1']);
    expect(slow.calls).toEqual([['0.2', '0.49']]);
    expect(results.map((r) => r.escalated)).toEqual([true, false, false, true]);
    expect(results[1].confidence).toBe(0.7);
    expect(results[0].confidence).toBeNull(); // the last tier is not judged
    expect(c.stats()).toMatchObject({ texts: 4, escalated: 2, escalatedShare: 0.5, budget: null });
  });

  it('judges a text by its least confident entity', async () => {
    const fast: TierExtractor = {
      async extract(texts) {
        return texts.map(() => [
          { label: 'A', start: 0, end: 1, text: 'a', score: 0.95 },
          { label: 'B', start: 2, end: 3, text: 'b', score: 0.4 },
        ]);
      },
    };
    const [result] = await cascade([fast, scoredTier(() => 1)], { threshold: 0.5 }).run(['a b']);
    expect(result).toMatchObject({ tierIndex: 1, escalated: true });
  });

  it('escalates nothing at threshold 0 and every text with an entity at threshold 1, a probability of 1 included', async () => {
    const texts = ['0', '0.3', '1', 'empty'];
    const none = await cascade([scoredTier(scoreFromText), scoredTier(() => 0.5)], { threshold: 0 }).run(texts);
    expect(none.map((r) => r.tierIndex)).toEqual([0, 0, 0, 0]);
    const all = await cascade([scoredTier(scoreFromText), scoredTier(() => 0.5)], { threshold: 1 }).run(texts);
    expect(all.map((r) => r.tierIndex)).toEqual([1, 1, 1, 0]);
  });

  it('keeps texts with no entity at their tier unless the empty policy escalates them', async () => {
    const keep = await cascade([scoredTier(scoreFromText), scoredTier(() => 0.9)], { threshold: 0.5 }).run(['empty']);
    expect(keep[0]).toMatchObject({ tierIndex: 0, confidence: null, entities: [] });
    const send = await cascade([scoredTier(scoreFromText), scoredTier(() => 0.9)], { threshold: 0.5, empty: 'escalate' }).run(['empty']);
    expect(send[0]).toMatchObject({ tierIndex: 1, escalated: true });
  });

  it('uses minProb when entities carry it (signal auto), margin when asked, and falls back to score', async () => {
    const withSignals = scoredTier(() => 0.9, { minProb: 0.3, margin: 0.6 } as Partial<Entity>);
    const slow = scoredTier(() => 1);
    expect((await cascade([withSignals, slow], { threshold: 0.5 }).run(['t']))[0].tierIndex).toBe(1);
    expect((await cascade([withSignals, slow], { threshold: 0.5, signal: 'score' }).run(['t']))[0].tierIndex).toBe(0);
    expect((await cascade([withSignals, slow], { threshold: 0.7, signal: 'margin' }).run(['t']))[0].tierIndex).toBe(1);
    expect((await cascade([withSignals, slow], { threshold: 0.5, signal: 'margin' }).run(['t']))[0].tierIndex).toBe(0);
    const scoreOnly = scoredTier(() => 0.6);
    expect((await cascade([scoreOnly, slow], { threshold: 0.5, signal: 'minProb' }).run(['t']))[0].tierIndex).toBe(0);
  });

  it("takes a tier's own confidence function, for tiers without probabilities", async () => {
    const noScores = scoredTier(() => 1);
    const c = cascade([{ tier: noScores, name: 'rules', confidence: (_e, text) => (text.includes('?') ? 0.1 : 0.9) }, { tier: scoredTier(() => 1), name: 'model' }], {
      threshold: 0.5,
    });
    expect((await c.run(['sure', 'unsure?'])).map((r) => r.tier)).toEqual(['rules', 'model']);
  });

  it('goes on through three tiers while each is unsure; only leaving the first counts as escalated', async () => {
    const third = scoredTier(() => 0.99);
    const c = cascade([scoredTier(() => 0.1), scoredTier((t) => (t === 'hard' ? 0.2 : 0.9)), third], { threshold: 0.5 });
    const results = await c.run(['easy', 'hard']);
    expect(results.map((r) => r.tierIndex)).toEqual([1, 2]);
    expect(third.calls).toEqual([['hard']]);
    expect(c.stats().escalated).toBe(2);
    expect(c.stats().tiers.map((t) => t.answered)).toEqual([0, 1, 1]);
  });

  it('extract gives the entities with the tier that found each, so it fits the Extractor interfaces', async () => {
    const c = cascade([{ tier: scoredTier(scoreFromText), name: 'fast' }, { tier: scoredTier(() => 0.9), name: 'slow' }], { threshold: 0.5 });
    const entities = await c.extract(['0.8', '0.1', 'empty']);
    expect(entities.map((list) => list.map((e) => e.tier))).toEqual([['fast'], ['slow'], []]);
    expect(entities[1][0].score).toBe(0.9);
  });
});

describe('a failing tier', () => {
  const failing: TierExtractor = {
    async extract() {
      throw new Error('down');
    },
  };

  it("degrades to the previous tier's answer with a flag, not an error", async () => {
    const c = cascade([{ tier: scoredTier(scoreFromText), name: 'fast' }, { tier: failing, name: 'remote' }], { threshold: 0.5 });
    const results = await c.run(['0.2', '0.9']);
    expect(results[0]).toMatchObject({ tier: 'fast', tierIndex: 0, confidence: 0.2, degraded: { tier: 'remote', reason: 'down' } });
    expect(results[0].entities[0].score).toBe(0.2);
    expect(results[1].degraded).toBeUndefined();
    expect(c.stats()).toMatchObject({ degraded: 1, escalated: 1 });
    expect(c.stats().tiers[1]).toMatchObject({ calls: 1, failures: 1, answered: 0 });
  });

  it('rejects the call when the first tier fails: there is no earlier answer', async () => {
    await expect(cascade([failing, scoredTier(() => 1)], { threshold: 0.5 }).run(['x'])).rejects.toThrow('down');
  });

  it('treats an answer of the wrong length as a failure', async () => {
    const short: TierExtractor = { extract: async () => [] };
    const [result] = await cascade([scoredTier(() => 0.1), short], { threshold: 0.5 }).run(['x']);
    expect(result.degraded?.reason).toMatch(/answered 0 texts for 1/);
  });
});

describe('the budget', () => {
  it('allows at most floor(share × windowTexts) escalations among any windowTexts consecutive texts', async () => {
    const c = cascade([scoredTier(() => 0.1), scoredTier(() => 0.9)], { threshold: 0.5, budget: { share: 0.2, windowTexts: 10 } });
    const texts = Array.from({ length: 53 }, (_, i) => String(i));
    // Several calls of odd sizes: the window runs across calls.
    const results = [...(await c.run(texts.slice(0, 7))), ...(await c.run(texts.slice(7, 30))), ...(await c.run(texts.slice(30)))];
    const escalated = results.map((r) => (r.escalated ? 1 : 0));
    for (let from = 0; from + 10 <= escalated.length; from++) {
      expect(escalated.slice(from, from + 10).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2);
    }
    // Every text wants to escalate, so the budget is used to the full, first come first served: texts 0, 1, 10, 11, ...
    expect(escalated.flatMap((e, i) => (e ? [i] : []))).toEqual([0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51]);
    expect(results.filter((r) => r.budgetDenied).length).toBe(53 - 12);
    const stats = c.stats();
    expect(stats).toMatchObject({ texts: 53, escalated: 12, budgetDenied: 41 });
    expect(stats.budget).toEqual({ windowTexts: 10, windowEscalated: 2, cap: 2, used: 1 });
  });

  it('spends the budget only on uncertain texts', async () => {
    const c = cascade([scoredTier(scoreFromText), scoredTier(() => 0.9)], { threshold: 0.5, budget: { share: 0.5, windowTexts: 4 } });
    const results = await c.run(['0.9', '0.9', '0.1', '0.1', '0.1', '0.9']);
    expect(results.map((r) => r.tierIndex)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(results[4].budgetDenied).toBe(true);
    expect(results[0].budgetDenied).toBeUndefined();
  });

  it('over a time window, allows share × the texts seen in it', () => {
    let now = 0;
    const budget = new EscalationBudget({ share: 0.25, windowMs: 1000 }, () => now);
    // Every text wants out: the 4th is the first the window allows (0.25 × 4 = 1), the 8th the second.
    const admitted = Array.from({ length: 8 }, () => budget.admit(true));
    expect(admitted).toEqual([false, false, false, true, false, false, false, true]);
    now = 1500; // all eight have left the window
    expect(budget.snapshot()).toEqual({ windowTexts: 0, windowEscalated: 0, cap: 0, used: 0 });
    expect([1, 2, 3, 4].map(() => budget.admit(true))).toEqual([false, false, false, true]);
  });

  it('shows the budget used as the window escalations over the cap', async () => {
    const c = new Cascade([scoredTier(scoreFromText), scoredTier(() => 0.9)], { threshold: 0.5, budget: { share: 0.5, windowTexts: 8 } });
    await c.run(['0.1', '0.9', '0.9', '0.9']);
    expect(c.stats().budget).toEqual({ windowTexts: 4, windowEscalated: 1, cap: 4, used: 0.25 });
  });
});

describe('cascadeMetricLines', () => {
  it('renders the stats as Prometheus counters and gauges, tiers as a label', async () => {
    const c = cascade([{ tier: scoredTier(scoreFromText), name: 'fast' }, { tier: scoredTier(() => 0.9), name: 'http://"x"' }], {
      threshold: 0.5,
      budget: { share: 0.5, windowTexts: 4 },
    });
    await c.run(['0.1', '0.1', '0.1', '0.9']);
    const lines = cascadeMetricLines(c.stats());
    expect(lines).toContain('native_ner_cascade_texts_total 4');
    expect(lines).toContain('native_ner_cascade_escalated_total 2');
    expect(lines).toContain('native_ner_cascade_budget_denied_total 1');
    expect(lines).toContain('native_ner_cascade_escalated_share 0.5');
    expect(lines).toContain('native_ner_cascade_budget_used 1');
    expect(lines).toContain('native_ner_cascade_tier_answered_total{tier="fast"} 2');
    expect(lines).toContain('native_ner_cascade_tier_answered_total{tier="http://\\"x\\""} 2');
    expect(lines.filter((l) => l.startsWith('# TYPE')).length).toBe(12);
  });
});

describe('options', () => {
  const tiers = [scoredTier(() => 1), scoredTier(() => 1)];

  it('refuses what it cannot honour, naming it', () => {
    expect(() => cascade([tiers[0]], { threshold: 0.5 })).toThrow(/at least two tiers/);
    expect(() => cascade(tiers, { threshold: 1.5 })).toThrow(/threshold must be a number from 0 to 1, got 1.5/);
    expect(() => cascade(tiers, { threshold: Number.NaN })).toThrow(/threshold/);
    expect(() => cascade(tiers, { threshold: 0.5, signal: 'entropy' as never })).toThrow(/unknown signal 'entropy'/);
    expect(() => cascade(tiers, { threshold: 0.5, empty: 'drop' as never })).toThrow(/unknown empty policy/);
    expect(() => cascade(tiers, { threshold: 0.5, budget: { share: 2 } })).toThrow(/budget.share/);
    expect(() => cascade(tiers, { threshold: 0.5, budget: { share: 0.1, windowTexts: 10, windowMs: 10 } })).toThrow(/not both/);
    expect(() => cascade(tiers, { threshold: 0.5, budget: { share: 0.1, windowTexts: 0 } })).toThrow(/windowTexts/);
    expect(() => cascade([{ tier: tiers[0], name: 'a' }, { tier: tiers[1], name: 'a' }], { threshold: 0.5 })).toThrow(/two tiers are named 'a'/);
    expect(() => cascade([tiers[0], 42 as never], { threshold: 0.5 })).toThrow(TypeError);
    expect(() => cascade([tiers[0], 'http://127.0.0.1:1'], { threshold: 0.5, remote: { retries: 11 } })).toThrow(/retries/);
  });

  it('names a URL tier by its URL', () => {
    expect(cascade([tiers[0], 'http://127.0.0.1:9/'], { threshold: 0.5 }).tierNames).toEqual(['tier0', 'http://127.0.0.1:9/']);
  });
});
