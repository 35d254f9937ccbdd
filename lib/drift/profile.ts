// Drift profiles as JSON: what a Monitor (lib/monitoring.ts) counted over a window of texts, in the format the native
// monitor writes (native/core/monitoring/monitor.h, "native-ner-profile/1"), and the baseline file `native-ner
// profile` writes around one. Profiles merge by adding counts. Pure: no addon.
import { readFileSync } from 'node:fs';
import { NerError } from '../errors';

export const PROFILE_FORMAT = 'native-ner-profile/1';
export const BASELINE_FORMAT = 'native-ner-baseline/1';

/** Counts over fixed bins: counts[i] holds values in (le[i−1], le[i]]; counts has one more entry, above the last bound (+Inf). */
export interface BinnedCounts {
  le: number[];
  counts: number[];
  /** Of the values counted, for means. */
  sum: number;
}

export interface LabelCounts {
  entities: number;
  /** Entities a rule gave (source other than the model). */
  ruleEntities: number;
  /** Entity scores, 0 to 1. */
  score: BinnedCounts;
  /** Span lengths in Unicode code points. */
  length: BinnedCounts;
}

/** One window's counts (docs/monitoring.md "Signals"). */
export interface Profile {
  format: typeof PROFILE_FORMAT;
  texts: number;
  /** Texts counted with their text signals (token entropy, [UNK] rate, windows). */
  signalTexts: number;
  /** Texts that needed more than one model window. */
  multiWindowTexts: number;
  tokens: number;
  unknownTokens: number;
  entities: number;
  ruleEntities: number;
  entitiesPerText: BinnedCounts;
  /** Text lengths in code points, log-scale bins. */
  textLength: BinnedCounts;
  /** Per-text mean token entropy in nats. */
  tokenEntropy: BinnedCounts;
  /** Per-text share of unknown tokens. */
  unkRate: BinnedCounts;
  labels: Record<string, LabelCounts>;
}

/** The share of each label among a window's entities, its mean and spread over the baseline's chunks of texts. */
export interface ShareSpread {
  /** Texts per chunk. */
  chunkTexts: number;
  /** Chunks measured (the last, shorter one left out when there were others). */
  chunks: number;
  /** Mean entities per chunk. */
  chunkEntities: number;
  labels: Record<string, { mean: number; stddev: number }>;
}

/** What `native-ner profile` writes: a profile and what it was made from. */
export interface Baseline {
  format: typeof BASELINE_FORMAT;
  created: string;
  model: { name: string; entityTypes: string[]; head: string };
  /** The inputs' names, as given on the command line. */
  inputs: string[];
  /** The extract options the texts ran with; drift compares texts run with the same. */
  options: Record<string, unknown>;
  profile: Profile;
  shares: ShareSpread;
}

function binsEqual(a: BinnedCounts, b: BinnedCounts): boolean {
  return a.le.length === b.le.length && a.le.every((x, i) => x === b.le[i]);
}

function mergeBins(a: BinnedCounts, b: BinnedCounts, what: string): BinnedCounts {
  if (!binsEqual(a, b)) throw new NerError('ERR_INVALID_ARGUMENT', `${what}: the profiles were counted over different bins`);
  return { le: [...a.le], counts: a.counts.map((c, i) => c + b.counts[i]), sum: a.sum + b.sum };
}

function copyBins(a: BinnedCounts): BinnedCounts {
  return { le: [...a.le], counts: [...a.counts], sum: a.sum };
}

function copyLabel(l: LabelCounts): LabelCounts {
  return { entities: l.entities, ruleEntities: l.ruleEntities, score: copyBins(l.score), length: copyBins(l.length) };
}

/** The profile of both windows: every count added (as the native Monitor's merge). */
export function mergeProfiles(a: Profile, b: Profile): Profile {
  const labels: Record<string, LabelCounts> = {};
  for (const [name, l] of Object.entries(a.labels)) labels[name] = copyLabel(l);
  for (const [name, l] of Object.entries(b.labels)) {
    const mine = labels[name];
    labels[name] = mine
      ? {
          entities: mine.entities + l.entities,
          ruleEntities: mine.ruleEntities + l.ruleEntities,
          score: mergeBins(mine.score, l.score, `labels.${name}.score`),
          length: mergeBins(mine.length, l.length, `labels.${name}.length`),
        }
      : copyLabel(l);
  }
  return {
    format: PROFILE_FORMAT,
    texts: a.texts + b.texts,
    signalTexts: a.signalTexts + b.signalTexts,
    multiWindowTexts: a.multiWindowTexts + b.multiWindowTexts,
    tokens: a.tokens + b.tokens,
    unknownTokens: a.unknownTokens + b.unknownTokens,
    entities: a.entities + b.entities,
    ruleEntities: a.ruleEntities + b.ruleEntities,
    entitiesPerText: mergeBins(a.entitiesPerText, b.entitiesPerText, 'entitiesPerText'),
    textLength: mergeBins(a.textLength, b.textLength, 'textLength'),
    tokenEntropy: mergeBins(a.tokenEntropy, b.tokenEntropy, 'tokenEntropy'),
    unkRate: mergeBins(a.unkRate, b.unkRate, 'unkRate'),
    labels,
  };
}

// ---- reading files

function fail(source: string, what: string): never {
  throw new NerError('ERR_INVALID_ARGUMENT', `${source}: ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkCount(value: unknown, source: string, name: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(source, `${name} must be a count, got ${JSON.stringify(value)}`);
}

function checkBins(value: unknown, source: string, name: string): void {
  if (!isRecord(value)) fail(source, `${name} is missing or not a histogram`);
  const { le, counts, sum } = value;
  if (!Array.isArray(le) || !le.every((x) => typeof x === 'number')) fail(source, `${name}.le must be an array of numbers`);
  if (!Array.isArray(counts) || counts.length !== le.length + 1) fail(source, `${name}.counts must have ${le.length + 1} entries (the last for +Inf)`);
  counts.forEach((c, i) => checkCount(c, source, `${name}.counts[${i}]`));
  if (typeof sum !== 'number') fail(source, `${name}.sum must be a number`);
}

/** Checks that `value` is a profile (its counts and histograms); `source` names it in errors. */
export function checkProfile(value: unknown, source: string): Profile {
  if (!isRecord(value) || value.format !== PROFILE_FORMAT) fail(source, `not a native-ner profile (format "${PROFILE_FORMAT}")`);
  for (const key of ['texts', 'signalTexts', 'multiWindowTexts', 'tokens', 'unknownTokens', 'entities', 'ruleEntities']) {
    checkCount(value[key], source, key);
  }
  for (const key of ['entitiesPerText', 'textLength', 'tokenEntropy', 'unkRate']) checkBins(value[key], source, key);
  if (!isRecord(value.labels)) fail(source, 'labels must be an object');
  for (const [name, label] of Object.entries(value.labels)) {
    if (!isRecord(label)) fail(source, `labels.${name} must be an object`);
    checkCount(label.entities, source, `labels.${name}.entities`);
    checkCount(label.ruleEntities, source, `labels.${name}.ruleEntities`);
    checkBins(label.score, source, `labels.${name}.score`);
    checkBins(label.length, source, `labels.${name}.length`);
  }
  return value as unknown as Profile;
}

/** Checks that `value` is a baseline file's content. */
export function checkBaseline(value: unknown, source: string): Baseline {
  if (!isRecord(value) || value.format !== BASELINE_FORMAT) {
    fail(source, `not a native-ner baseline (format "${BASELINE_FORMAT}"; write one with native-ner profile)`);
  }
  checkProfile(value.profile, `${source} profile`);
  const shares = value.shares;
  if (!isRecord(shares) || !isRecord(shares.labels) || typeof shares.chunkTexts !== 'number' || typeof shares.chunkEntities !== 'number') {
    fail(source, 'shares must hold chunkTexts, chunkEntities and labels');
  }
  if (!isRecord(value.model) || !Array.isArray(value.model.entityTypes)) fail(source, 'model must name the entity types');
  return value as unknown as Baseline;
}

/** Reads a baseline file (native-ner profile's output). */
export function readBaseline(path: string): Baseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new NerError('ERR_INVALID_ARGUMENT', `cannot read the baseline ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail(path, 'not JSON; write a baseline with native-ner profile');
  }
  return checkBaseline(value, path);
}

/** Mean and standard deviation of each label's share over chunk profiles (the baseline's spread). */
export function shareSpread(chunks: readonly Profile[], chunkTexts: number): ShareSpread {
  // The last chunk is usually shorter; its share varies more, so it is left out when there are others.
  const measured = chunks.length > 1 && chunks[chunks.length - 1].texts < chunkTexts ? chunks.slice(0, -1) : chunks;
  const names = new Set(measured.flatMap((p) => Object.keys(p.labels)));
  const labels: ShareSpread['labels'] = {};
  for (const name of [...names].sort()) {
    const shares = measured.map((p) => (p.entities === 0 ? 0 : (p.labels[name]?.entities ?? 0) / p.entities));
    const mean = shares.reduce((s, x) => s + x, 0) / shares.length;
    const variance = shares.length > 1 ? shares.reduce((s, x) => s + (x - mean) ** 2, 0) / (shares.length - 1) : 0;
    labels[name] = { mean, stddev: Math.sqrt(variance) };
  }
  const chunkEntities = measured.length === 0 ? 0 : measured.reduce((s, p) => s + p.entities, 0) / measured.length;
  return { chunkTexts, chunks: measured.length, chunkEntities, labels };
}
