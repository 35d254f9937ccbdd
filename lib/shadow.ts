// Shadow models (issue 14, section 5): `serve --shadow DIR` runs a second model on a sampled share of /extract
// requests after their answers are sent, and counts how far its entities agree with the primary's, per label, so a
// new model can be judged on live traffic before it serves. The shadow never touches a response: it starts after the
// answer is written, its failures and timeouts are only counted, and beyond maxCalls calls the rest are skipped.
// docs/server.md "Shadow model" documents the metrics.
import type { Entity } from './ner';
import type { ExtractOptions } from './options';

/** What the shadow needs of a model: NativeNer fits; dispose, when there, is called at shutdown. */
export interface ShadowExtractor {
  extract(texts: string[], options?: ExtractOptions): Promise<Entity[][]>;
  dispose?(options?: { abortRunning?: boolean }): Promise<void>;
}

export interface ShadowSettings {
  /** Share of /extract requests sampled, from 0 to 1. */
  share: number;
  /** Most shadow calls running at once; a sampled request beyond them is skipped (and counted). */
  maxCalls: number;
  /** Milliseconds a shadow call may take; a later one is counted as failed (the engine drops its work). */
  timeoutMs: number;
  /** Draws the sample: a number in [0, 1). Default Math.random. */
  random?: () => number;
}

/** Per label: entities both models found (tp), only the shadow found (fp), only the primary found (fn). */
export interface AgreementCounts {
  tp: number;
  fp: number;
  fn: number;
}

export type ShadowOutcome = 'compared' | 'failed' | 'skipped';

export interface ShadowStats {
  /** Requests the shadow ran and compared, failed on (error or timeout), or skipped (maxCalls calls running). */
  outcomes: Record<ShadowOutcome, number>;
  /** Texts compared. */
  texts: number;
  inFlight: number;
  byLabel: Record<string, AgreementCounts>;
}

const keyOf = (e: Entity) => `${e.start}:${e.end}:${e.label}`;

/**
 * Adds the agreement of `shadow` with `primary` (text by text, strict spans: same start, end and label; repeats count
 * once), the primary taken as the reference, to `counts`.
 */
export function addAgreement(counts: Map<string, AgreementCounts>, primary: readonly Entity[][], shadow: readonly Entity[][]): void {
  const countsOf = (label: string) => {
    let c = counts.get(label);
    if (!c) counts.set(label, (c = { tp: 0, fp: 0, fn: 0 }));
    return c;
  };
  primary.forEach((reference, i) => {
    const referenceByKey = new Map(reference.map((e) => [keyOf(e), e]));
    const shadowByKey = new Map((shadow[i] ?? []).map((e) => [keyOf(e), e]));
    for (const [key, e] of referenceByKey) countsOf(e.label)[shadowByKey.has(key) ? 'tp' : 'fn']++;
    for (const [key, e] of shadowByKey) if (!referenceByKey.has(key)) countsOf(e.label).fp++;
  });
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class Shadow {
  private readonly outcomes: Record<ShadowOutcome, number> = { compared: 0, failed: 0, skipped: 0 };
  private readonly agreement = new Map<string, AgreementCounts>();
  private readonly running = new Set<Promise<void>>();
  private texts = 0;
  private closed = false;
  private readonly random: () => number;

  constructor(
    private readonly model: ShadowExtractor,
    private readonly settings: ShadowSettings,
  ) {
    this.random = settings.random ?? Math.random;
  }

  /**
   * Offers a request the primary has answered (call it after the answer is sent). Sampled, and with a slot free, the
   * shadow runs it on a later turn of the event loop; nothing here throws or waits.
   */
  offer(texts: string[], options: ExtractOptions, primary: Entity[][]): void {
    if (this.closed || texts.length === 0 || !(this.random() < this.settings.share)) return;
    if (this.running.size >= this.settings.maxCalls) {
      this.outcomes.skipped++;
      return;
    }
    let settle!: () => void;
    const slot = new Promise<void>((resolve) => (settle = resolve));
    this.running.add(slot);
    // The slot stays taken until the call itself ends, even past its deadline: a hung shadow cannot pile up calls.
    const release = () => {
      this.running.delete(slot);
      settle();
    };
    setImmediate(() => void this.run(texts, options, primary).finally(release));
  }

  private async run(texts: string[], options: ExtractOptions, primary: Entity[][]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        this.outcomes.failed++;
        resolve();
      }, this.settings.timeoutMs);
    });
    const call = (async () => {
      try {
        // The engine drops a NativeNer shadow's work past the deadline; other extractors are only stopped counting.
        const answers = await this.model.extract(texts, { ...options, timeoutMs: this.settings.timeoutMs });
        if (timedOut) return;
        if (!Array.isArray(answers) || answers.length !== texts.length) throw new Error('the shadow answered the wrong number of texts');
        addAgreement(this.agreement, primary, answers);
        this.texts += texts.length;
        this.outcomes.compared++;
      } catch {
        if (!timedOut) this.outcomes.failed++;
      } finally {
        clearTimeout(timer);
      }
    })();
    await Promise.race([call, deadline]);
    await call; // the slot is held until the call ends
  }

  stats(): ShadowStats {
    const byLabel = Object.fromEntries([...this.agreement].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([label, c]) => [label, { ...c }]));
    return { outcomes: { ...this.outcomes }, texts: this.texts, inFlight: this.running.size, byLabel };
  }

  /** The shadow's lines of /metrics (Prometheus text format). */
  render(): string[] {
    const { outcomes, texts, inFlight, byLabel } = this.stats();
    const lines = [
      '# HELP native_ner_shadow_requests_total Sampled /extract requests by what the shadow model did: compared, failed (error or timeout), skipped (too many shadow calls running).',
      '# TYPE native_ner_shadow_requests_total counter',
      ...(Object.keys(outcomes) as ShadowOutcome[]).map((outcome) => `native_ner_shadow_requests_total{outcome="${outcome}"} ${outcomes[outcome]}`),
      '# HELP native_ner_shadow_texts_total Texts the shadow model ran and compared.',
      '# TYPE native_ner_shadow_texts_total counter',
      `native_ner_shadow_texts_total ${texts}`,
      '# HELP native_ner_shadow_in_flight Shadow model calls running.',
      '# TYPE native_ner_shadow_in_flight gauge',
      `native_ner_shadow_in_flight ${inFlight}`,
      '# HELP native_ner_shadow_entities_total Entities of compared texts by label and agreement, the primary as reference: tp (both found it), fp (only the shadow), fn (only the primary).',
      '# TYPE native_ner_shadow_entities_total counter',
    ];
    const entries = Object.entries(byLabel);
    for (const [label, counts] of entries) {
      for (const kind of ['tp', 'fp', 'fn'] as const) {
        lines.push(`native_ner_shadow_entities_total{label="${escapeLabel(label)}",kind="${kind}"} ${counts[kind]}`);
      }
    }
    lines.push(
      '# HELP native_ner_shadow_agreement_f1 Entity-level F1 of the shadow against the primary since start, by label: 2tp / (2tp + fp + fn).',
      '# TYPE native_ner_shadow_agreement_f1 gauge',
    );
    for (const [label, { tp, fp, fn }] of entries) {
      const f1 = 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 1;
      lines.push(`native_ner_shadow_agreement_f1{label="${escapeLabel(label)}"} ${f1}`);
    }
    return lines;
  }

  /**
   * Stops sampling and disposes the shadow model, aborting its calls still running: their counts would go nowhere, so
   * shutdown does not wait for them.
   */
  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.model.dispose?.({ abortRunning: true });
    } catch {
      // a failing shadow never fails the shutdown
    }
  }
}

/** A shadow of the primary, run on a sampled share of requests off the response path. */
export function createShadow(model: ShadowExtractor, settings: ShadowSettings): Shadow {
  if (model === null || typeof model !== 'object' || typeof model.extract !== 'function') {
    throw new TypeError('shadow must be a model (NativeNer) or an object with extract(texts, options)');
  }
  return new Shadow(model, settings);
}
