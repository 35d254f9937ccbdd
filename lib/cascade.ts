// Cascades (issue 14, section 5): every text goes to the first, fast tier; a text whose least confident entity is
// below a threshold goes on to the next, slower and better tier, within an optional budget on the share of texts
// escalated. Tiers are native-ner models, remote `native-ner serve` URLs (remoteTier) or any object with an
// extract(texts, options) method. Results name the tier that answered; stats() counts escalations and the budget.
// docs/api.md "Cascades" documents the behaviour this module promises.
import { NerError } from './errors';
import type { Entity } from './ner';
import { optionNames, type ExtractOptions } from './options';

/** What a tier must do: NativeNer fits, and so does any stand-in with the same extract. */
export interface TierExtractor {
  extract(texts: string[], options?: ExtractOptions): Promise<Entity[][]>;
}

/**
 * Which entity field measures confidence. 'auto': `minProb` where the entity has it (a NativeNer tier, which the
 * cascade asks for confidence signals), else `score`. A field an entity lacks falls back to `score`.
 */
export type ConfidenceSignal = 'auto' | 'score' | 'minProb' | 'margin';

/** A tier as cascade() takes it, with a name and, optionally, its own measure of confidence. */
export interface TierSpec {
  tier: TierExtractor | string;
  /** Its name in results and stats. Default: a model's directory and file, a URL as given, else `tier<i>`. */
  name?: string;
  /**
   * The text's confidence from this tier's answer, from 0 to 1, or null when there is nothing to judge (no entity).
   * Default: the lowest signal (CascadeOptions.signal) over the text's entities. For tiers without probabilities.
   */
  confidence?: (entities: readonly Entity[], text: string) => number | null;
  /** For a URL tier: its timeouts and retries. */
  remote?: RemoteOptions;
}

export type TierInput = TierExtractor | string | TierSpec;

/** The escalation budget: at most `share` of the texts leave the first tier, per window. */
export interface CascadeBudget {
  /** Largest share of texts escalated, from 0 to 1. */
  share: number;
  /**
   * A window of this many consecutive texts: of any windowTexts texts in a row, at most floor(share × windowTexts)
   * escalate. Give this or windowMs; default 1000 texts.
   */
  windowTexts?: number;
  /**
   * A window of time: of the texts seen in the last windowMs, at most share × their count escalate (so the first
   * escalation needs 1/share texts in the window).
   */
  windowMs?: number;
}

export interface CascadeOptions {
  /**
   * A text escalates when its confidence is below this (0: never; 1: every text with an entity, a probability of
   * exactly 1 included).
   */
  threshold: number;
  /** Which entity field is the confidence. Default 'auto'. */
  signal?: ConfidenceSignal;
  /**
   * Texts with no entity have nothing to judge: 'keep' (default) keeps the tier's empty answer, 'escalate' sends them
   * on (counted against the budget).
   */
  empty?: 'keep' | 'escalate';
  /** Caps the share of texts escalated; without it, every uncertain text escalates. */
  budget?: CascadeBudget;
  /** Timeouts and retries of URL tiers without their own. */
  remote?: RemoteOptions;
}

/** How a tier failed: its answer was replaced by the previous tier's. */
export interface Degraded {
  /** The tier that failed. */
  tier: string;
  /** Its error's message. */
  reason: string;
}

/** One text's answer. */
export interface CascadeResult {
  entities: Entity[];
  /** Name of the tier that answered. */
  tier: string;
  /** Its position among the tiers (0: the first). */
  tierIndex: number;
  /** The answering tier's confidence in the text (null: no entity, or the last tier, which nobody judges). */
  confidence: number | null;
  /** Whether the text went past the first tier. */
  escalated: boolean;
  /** The text was uncertain but the budget kept it at this tier. */
  budgetDenied?: true;
  /** A later tier failed for this text; the answer is the previous tier's. */
  degraded?: Degraded;
}

/** A cascade's entity: the tier that found it beside the entity's fields. */
export type CascadeEntity = Entity & { tier: string };

export interface TierStats {
  name: string;
  /** extract calls made to the tier, and the texts they held. */
  calls: number;
  texts: number;
  /** Texts the tier gave the final answer for. */
  answered: number;
  /** Calls that failed (their texts degraded to the previous tier's answer). */
  failures: number;
  /** Wall time of its calls. */
  seconds: number;
}

/** What a cascade has done since it was made: plain numbers, for a metrics exporter. */
export interface CascadeStats {
  texts: number;
  /** Texts that went past the first tier. */
  escalated: number;
  /** escalated / texts (0 before any text). */
  escalatedShare: number;
  /** Uncertain texts the budget kept at their tier. */
  budgetDenied: number;
  /** Texts whose answer came from a tier before one that failed. */
  degraded: number;
  /** With a budget: the current window's texts, escalations, cap and escalations / cap (0 to 1). */
  budget: { windowTexts: number; windowEscalated: number; cap: number; used: number } | null;
  tiers: TierStats[];
}

// ---- Remote tiers ----

export interface RemoteOptions {
  /** Milliseconds one attempt may take (connection to the last byte of the answer). Default 10,000. */
  timeoutMs?: number;
  /** Further attempts after a failed one (network error, timeout, 5xx); 4xx answers are not retried. Default 2. */
  retries?: number;
  /** Milliseconds before the first retry, doubled for each next one. Default 100. */
  retryDelayMs?: number;
}

const REMOTE_DEFAULTS: Required<RemoteOptions> = { timeoutMs: 10_000, retries: 2, retryDelayMs: 100 };

/** A remote tier's answer that is not a list of entities per text, or a refusal: not worth retrying. */
class PermanentError extends Error {}

/** A remote tier that failed every attempt: the cascade gives its texts the previous tier's answer. */
export class RemoteTierError extends Error {
  readonly code = 'ERR_REMOTE';
  constructor(
    message: string,
    /** Attempts made, the first included. */
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'RemoteTierError';
  }
}

/**
 * A `native-ner serve` instance as a tier: POST /extract with the texts and the JSON-able extract options, each
 * attempt bounded by timeoutMs, failed attempts (network errors, timeouts, 5xx) retried up to `retries` times with
 * doubling delays. Rejects with RemoteTierError (code ERR_REMOTE) once every attempt failed.
 */
export function remoteTier(url: string, options: RemoteOptions = {}): TierExtractor & { url: string } {
  const { timeoutMs, retries, retryDelayMs } = checkRemoteOptions(options);
  const endpoint = new URL('/extract', url).toString();
  const attempt = async (body: string): Promise<Entity[][]> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (response.status >= 500) throw new Error(`${endpoint} answered ${response.status}`);
    if (response.status !== 200) throw new PermanentError(`${endpoint} answered ${response.status}: ${text.slice(0, 200)}`);
    const parsed = JSON.parse(text) as { entities?: unknown };
    if (!Array.isArray(parsed.entities) || parsed.entities.some((e) => !Array.isArray(e))) {
      throw new PermanentError(`${endpoint} answered without a list of entities per text`);
    }
    return parsed.entities as Entity[][];
  };
  return {
    url,
    async extract(texts: string[], extractOptions?: ExtractOptions): Promise<Entity[][]> {
      const body = JSON.stringify(extractOptions && Object.keys(extractOptions).length > 0 ? { texts, options: extractOptions } : { texts });
      let lastError: unknown;
      let tried = 0;
      for (; tried <= retries; tried++) {
        if (tried > 0) await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (tried - 1)));
        try {
          const entities = await attempt(body);
          if (entities.length !== texts.length) throw new PermanentError(`${endpoint} answered ${entities.length} texts for ${texts.length}`);
          return entities;
        } catch (error) {
          lastError = error;
          if (error instanceof PermanentError) {
            tried++;
            break;
          }
        }
      }
      const why = lastError instanceof Error ? (lastError.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : lastError.message) : String(lastError);
      throw new RemoteTierError(`remote tier ${url} failed after ${tried} attempt${tried === 1 ? '' : 's'}: ${why}`, tried);
    },
  };
}

function checkRemoteOptions(options: RemoteOptions): Required<RemoteOptions> {
  const out = { ...REMOTE_DEFAULTS, ...options };
  const bad = (name: keyof RemoteOptions, min: number) => !Number.isInteger(out[name]) || out[name] < min;
  if (bad('timeoutMs', 1)) throw new NerError('ERR_INVALID_ARGUMENT', `remote timeoutMs must be an integer of at least 1, got ${out.timeoutMs}`);
  if (bad('retries', 0) || out.retries > 10) throw new NerError('ERR_INVALID_ARGUMENT', `remote retries must be an integer from 0 to 10, got ${out.retries}`);
  if (bad('retryDelayMs', 0)) throw new NerError('ERR_INVALID_ARGUMENT', `remote retryDelayMs must be a non-negative integer, got ${out.retryDelayMs}`);
  return out;
}

// ---- The budget ----

/**
 * The sliding window the budget counts in: each text seen is an entry (its time, whether it escalated); entries
 * leave the window by count (windowTexts) or by age (windowMs).
 */
export class EscalationBudget {
  private readonly entries: { time: number; escalated: boolean }[] = [];
  private head = 0; // entries before head have left the window
  private escalatedInWindow = 0;
  readonly share: number;
  readonly windowTexts: number | null;
  readonly windowMs: number | null;

  constructor(budget: CascadeBudget, private readonly now: () => number = () => performance.now()) {
    const { share, windowTexts, windowMs } = budget;
    if (typeof share !== 'number' || !(share >= 0 && share <= 1)) {
      throw new NerError('ERR_INVALID_ARGUMENT', `budget.share must be a number from 0 to 1, got ${share}`);
    }
    if (windowTexts !== undefined && windowMs !== undefined) {
      throw new NerError('ERR_INVALID_ARGUMENT', 'give budget.windowTexts or budget.windowMs, not both');
    }
    if (windowTexts !== undefined && (!Number.isInteger(windowTexts) || windowTexts < 1)) {
      throw new NerError('ERR_INVALID_ARGUMENT', `budget.windowTexts must be a positive integer, got ${windowTexts}`);
    }
    if (windowMs !== undefined && (typeof windowMs !== 'number' || !(windowMs > 0))) {
      throw new NerError('ERR_INVALID_ARGUMENT', `budget.windowMs must be a positive number, got ${windowMs}`);
    }
    this.share = share;
    this.windowMs = windowMs ?? null;
    this.windowTexts = windowMs === undefined ? (windowTexts ?? 1000) : null;
  }

  /** Records one text; `wants` says whether it is uncertain. Returns whether it may escalate. */
  admit(wants: boolean): boolean {
    const time = this.now();
    this.entries.push({ time, escalated: false });
    this.evict(time);
    if (!wants || this.escalatedInWindow + 1 > this.cap()) return false;
    this.entries[this.entries.length - 1].escalated = true;
    this.escalatedInWindow++;
    return true;
  }

  /** Escalations the window allows now. */
  cap(): number {
    const inWindow = this.entries.length - this.head;
    // A count window's cap is fixed; a time window's follows the texts it holds. The epsilon keeps 0.2 × 10 at 2.
    return Math.floor(this.share * (this.windowTexts ?? inWindow) + 1e-9);
  }

  snapshot(): { windowTexts: number; windowEscalated: number; cap: number; used: number } {
    this.evict(this.now());
    const cap = this.cap();
    return {
      windowTexts: this.entries.length - this.head,
      windowEscalated: this.escalatedInWindow,
      cap,
      used: cap > 0 ? this.escalatedInWindow / cap : this.escalatedInWindow > 0 ? 1 : 0,
    };
  }

  private evict(time: number): void {
    const inWindow = (i: number) =>
      this.windowTexts !== null ? this.entries.length - i <= this.windowTexts : time - this.entries[i].time <= (this.windowMs as number);
    while (this.head < this.entries.length && !inWindow(this.head)) {
      if (this.entries[this.head].escalated) this.escalatedInWindow--;
      this.head++;
    }
    // Drop what left the window now and then, so memory stays bounded by the window.
    if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }
}

// ---- The cascade ----

interface Tier {
  name: string;
  extractor: TierExtractor;
  confidence?: TierSpec['confidence'];
  /** A NativeNer whose option table has `confidence`: asked for minProb/margin when judged. */
  nativeConfidence: boolean;
  stats: TierStats;
}

/** A NativeNer, recognised by shape so this module does not load the addon. */
function nativeModelOf(value: unknown): { info: { modelPath: string } } | null {
  const o = value as { info?: { modelPath?: unknown }; extractColumns?: unknown } | null;
  return o && typeof o.extractColumns === 'function' && typeof o.info?.modelPath === 'string' ? (o as { info: { modelPath: string } }) : null;
}

/** Whether the option table knows the confidence option (issue 14, section 1), which adds minProb/margin/entropy. */
const CONFIDENCE_OPTION = (optionNames('extract') as string[]).includes('confidence');

function toTier(input: TierInput, index: number, remoteDefaults: RemoteOptions): Tier {
  const spec: TierSpec =
    typeof input === 'string' ? { tier: input } : typeof (input as TierExtractor).extract === 'function' ? { tier: input as TierExtractor } : (input as TierSpec);
  if (spec === null || typeof spec !== 'object' || spec.tier === undefined) {
    throw new TypeError(`tier ${index} must be a NativeNer, a URL, an object with extract(texts, options), or { tier, name?, confidence? }`);
  }
  let extractor: TierExtractor;
  let defaultName: string;
  if (typeof spec.tier === 'string') {
    extractor = remoteTier(spec.tier, { ...remoteDefaults, ...spec.remote });
    defaultName = spec.tier;
  } else if (typeof spec.tier?.extract === 'function') {
    extractor = spec.tier;
    const model = nativeModelOf(spec.tier);
    // The model's folder and file: int8 and fp32 of one model differ only by the file.
    defaultName = model ? model.info.modelPath.split(/[\\/]/).slice(-2).join('/') : `tier${index}`;
  } else {
    throw new TypeError(`tier ${index} must be a NativeNer, a URL, or an object with extract(texts, options)`);
  }
  if (spec.confidence !== undefined && typeof spec.confidence !== 'function') throw new TypeError(`tier ${index}'s confidence must be a function`);
  const name = spec.name ?? defaultName;
  return {
    name,
    extractor,
    confidence: spec.confidence,
    nativeConfidence: CONFIDENCE_OPTION && nativeModelOf(spec.tier) !== null,
    stats: { name, calls: 0, texts: 0, answered: 0, failures: 0, seconds: 0 },
  };
}

/** An entity's confidence by `signal`; fields the entity lacks fall back to its score. */
function signalOf(entity: Entity, signal: ConfidenceSignal): number {
  const e = entity as Entity & { minProb?: number; margin?: number };
  if ((signal === 'auto' || signal === 'minProb') && typeof e.minProb === 'number') return e.minProb;
  if (signal === 'margin' && typeof e.margin === 'number') return e.margin;
  return e.score;
}

/** The entity without the confidence signals (minProb, margin, entropy). */
function withoutSignals(entity: Entity): Entity {
  const { minProb: _minProb, margin: _margin, entropy: _entropy, ...rest } = entity as Entity & { minProb?: number; margin?: number; entropy?: number };
  return rest;
}

export class Cascade implements TierExtractor {
  private readonly tiers: Tier[];
  private readonly threshold: number;
  private readonly signal: ConfidenceSignal;
  private readonly empty: 'keep' | 'escalate';
  private readonly budget: EscalationBudget | null;
  private texts = 0;
  private escalated = 0;
  private budgetDenied = 0;
  private degraded = 0;

  constructor(tiers: readonly TierInput[], options: CascadeOptions, now?: () => number) {
    if (!Array.isArray(tiers) || tiers.length < 2) throw new TypeError('a cascade needs an array of at least two tiers');
    if (options === null || typeof options !== 'object') throw new TypeError('cascade options must be an object: { threshold, ... }');
    const { threshold, signal = 'auto', empty = 'keep', budget, remote = {} } = options;
    if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
      throw new NerError('ERR_INVALID_ARGUMENT', `threshold must be a number from 0 to 1, got ${threshold}`);
    }
    if (!['auto', 'score', 'minProb', 'margin'].includes(signal)) {
      throw new NerError('ERR_INVALID_ARGUMENT', `unknown signal '${signal}'; expected auto, score, minProb or margin`);
    }
    if (empty !== 'keep' && empty !== 'escalate') throw new NerError('ERR_INVALID_ARGUMENT', `unknown empty policy '${empty}'; expected keep or escalate`);
    this.tiers = tiers.map((tier, i) => toTier(tier, i, remote));
    const names = this.tiers.map((t) => t.name);
    const repeated = names.find((name, i) => names.indexOf(name) !== i);
    if (repeated !== undefined) throw new NerError('ERR_INVALID_ARGUMENT', `two tiers are named '${repeated}'; name them ({ tier, name })`);
    this.threshold = threshold;
    this.signal = signal;
    this.empty = empty;
    this.budget = budget === undefined ? null : new EscalationBudget(budget, now);
  }

  /** The tiers' names, first to last. */
  get tierNames(): string[] {
    return this.tiers.map((t) => t.name);
  }

  /** Each text's answer: its entities, the tier that gave them, and whether it escalated or degraded. */
  async run(texts: string[], options: ExtractOptions = {}): Promise<CascadeResult[]> {
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) throw new TypeError('texts must be an array of strings');
    const results: CascadeResult[] = new Array(texts.length);
    let pending = texts.map((_, i) => i); // texts the current tier must answer
    for (let level = 0; level < this.tiers.length && pending.length > 0; level++) {
      const tier = this.tiers[level];
      const last = level === this.tiers.length - 1;
      let answers: Entity[][];
      try {
        answers = await this.call(tier, pending.map((i) => texts[i]), options, !last);
      } catch (error) {
        if (level === 0) throw error; // nothing earlier to fall back on
        this.degraded += pending.length;
        const reason = error instanceof Error ? error.message : String(error);
        for (const i of pending) results[i].degraded = { tier: tier.name, reason };
        break;
      }
      // Signals the cascade asked for only to judge are not the caller's: results look as without the cascade.
      const strip = !last && tier.nativeConfidence && (options as { confidence?: boolean }).confidence !== true;
      const next: number[] = [];
      pending.forEach((textIndex, k) => {
        const confidence = last ? null : this.confidenceOf(tier, answers[k], texts[textIndex]);
        const entities = strip ? answers[k].map(withoutSignals) : answers[k];
        const uncertain = !last && (confidence === null ? this.empty === 'escalate' : this.threshold >= 1 || confidence < this.threshold);
        results[textIndex] = { entities, tier: tier.name, tierIndex: level, confidence, escalated: level > 0 };
        // Only leaving the first tier counts against the budget (which sees every text, in order); a text already
        // escalated goes on as far as it needs.
        const allowed = level === 0 && this.budget ? this.budget.admit(uncertain) : uncertain;
        if (uncertain && !allowed) {
          results[textIndex].budgetDenied = true;
          this.budgetDenied++;
        }
        if (allowed) next.push(textIndex);
      });
      if (level === 0) {
        this.texts += texts.length;
        this.escalated += next.length;
      }
      pending = next;
    }
    for (const result of results) this.tiers[result.tierIndex].stats.answered++;
    return results;
  }

  /** The entities of each text, from whichever tier answered; each entity names its tier. For Extractor/StreamExtractor. */
  async extract(texts: string[], options?: ExtractOptions): Promise<CascadeEntity[][]> {
    const results = await this.run(texts, options);
    return results.map(({ entities, tier }) => entities.map((e) => ({ ...e, tier })));
  }

  stats(): CascadeStats {
    return {
      texts: this.texts,
      escalated: this.escalated,
      escalatedShare: this.texts > 0 ? this.escalated / this.texts : 0,
      budgetDenied: this.budgetDenied,
      degraded: this.degraded,
      budget: this.budget?.snapshot() ?? null,
      tiers: this.tiers.map((t) => ({ ...t.stats })),
    };
  }

  private async call(tier: Tier, texts: string[], options: ExtractOptions, judged: boolean): Promise<Entity[][]> {
    const started = performance.now();
    tier.stats.calls++;
    tier.stats.texts += texts.length;
    try {
      // A judged NativeNer tier is asked for its probabilities; the last tier's answer is returned as it is.
      const tierOptions = judged && tier.nativeConfidence ? ({ ...options, confidence: true } as ExtractOptions) : options;
      const answers = await tier.extractor.extract(texts, tierOptions);
      if (!Array.isArray(answers) || answers.length !== texts.length) {
        throw new NerError('ERR_INTERNAL', `tier ${tier.name} answered ${Array.isArray(answers) ? answers.length : 'no list of'} texts for ${texts.length}`);
      }
      return answers;
    } catch (error) {
      tier.stats.failures++;
      throw error;
    } finally {
      tier.stats.seconds += (performance.now() - started) / 1000;
    }
  }

  private confidenceOf(tier: Tier, entities: Entity[], text: string): number | null {
    if (tier.confidence) return tier.confidence(entities, text);
    if (entities.length === 0) return null;
    let lowest = Infinity;
    for (const entity of entities) lowest = Math.min(lowest, signalOf(entity, this.signal));
    return lowest;
  }
}

/**
 * A cascade over `tiers`, fastest first: every text goes to the first; a text whose confidence (its least confident
 * entity) is below `options.threshold` goes on to the next, within `options.budget`. The last tier's answer is final.
 */
export function cascade(tiers: readonly TierInput[], options: CascadeOptions): Cascade {
  return new Cascade(tiers, options);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * A cascade's stats as Prometheus text lines (for a /metrics route of one's own): counters of texts, escalations,
 * budget refusals and degraded answers, the escalated share, the budget window's use, and per tier (label `tier`,
 * its name) texts, answers, failures and seconds.
 */
export function cascadeMetricLines(stats: CascadeStats, prefix = 'native_ner_cascade'): string[] {
  const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: [string, number][]) => [
    `# HELP ${prefix}_${name} ${help}`,
    `# TYPE ${prefix}_${name} ${type}`,
    ...samples.map(([labels, value]) => `${prefix}_${name}${labels} ${value}`),
  ];
  const perTier = (pick: (t: TierStats) => number): [string, number][] => stats.tiers.map((t) => [`{tier="${escapeLabel(t.name)}"}`, pick(t)]);
  const lines = [
    ...metric('texts_total', 'counter', 'Texts the cascade answered.', [['', stats.texts]]),
    ...metric('escalated_total', 'counter', 'Texts that went past the first tier.', [['', stats.escalated]]),
    ...metric('budget_denied_total', 'counter', 'Uncertain texts the budget kept at the first tier.', [['', stats.budgetDenied]]),
    ...metric('degraded_total', 'counter', "Texts answered by an earlier tier because a later one failed.", [['', stats.degraded]]),
    ...metric('escalated_share', 'gauge', 'Escalated texts over texts, since start.', [['', stats.escalatedShare]]),
  ];
  if (stats.budget) {
    lines.push(
      ...metric('budget_used', 'gauge', "Escalations in the budget's current window over its cap (1: exhausted).", [['', stats.budget.used]]),
      ...metric('budget_window_escalated', 'gauge', "Escalations in the budget's current window.", [['', stats.budget.windowEscalated]]),
      ...metric('budget_cap', 'gauge', "Escalations the budget's current window allows.", [['', stats.budget.cap]]),
    );
  }
  lines.push(
    ...metric('tier_texts_total', 'counter', 'Texts sent to each tier.', perTier((t) => t.texts)),
    ...metric('tier_answered_total', 'counter', 'Texts each tier gave the final answer for.', perTier((t) => t.answered)),
    ...metric('tier_failures_total', 'counter', 'Failed calls of each tier.', perTier((t) => t.failures)),
    ...metric('tier_seconds_total', 'counter', "Wall time of each tier's calls.", perTier((t) => t.seconds)),
  );
  return lines;
}
