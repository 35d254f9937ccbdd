// Profiles of whole inputs through a model: what `native-ner profile` writes as a baseline and `native-ner drift`
// compares with it. Texts run in chunks, each counted by a Monitor of its own, so the baseline also knows how much
// each label's share varies from chunk to chunk (the spread serve's share gauges compare against).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { basename, dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { NerError } from '../errors';
import { Monitor } from '../monitoring';
import type { NativeNer } from '../ner';
import type { ExtractOptions } from '../options';
import { BASELINE_FORMAT, mergeProfiles, shareSpread, type Baseline, type Profile } from './profile';

/** Texts per chunk of a profile run: one extract call each, and the unit of the baseline's share spread. */
export const DEFAULT_CHUNK_TEXTS = 250;

export interface ProfileRun {
  /** Every text's counts. */
  profile: Profile;
  /** Each chunk's counts, in input order. */
  chunks: Profile[];
  chunkTexts: number;
}

/** Runs `texts` through `ner` in chunks of `chunkTexts` with `options`, counting them; no entity is kept. */
export async function profileTexts(
  ner: NativeNer,
  texts: Iterable<string> | AsyncIterable<string>,
  options: ExtractOptions = {},
  chunkTexts = DEFAULT_CHUNK_TEXTS,
): Promise<ProfileRun> {
  if (!Number.isInteger(chunkTexts) || chunkTexts < 1) throw new NerError('ERR_INVALID_ARGUMENT', `chunkTexts must be a positive integer, got ${chunkTexts}`);
  const chunks: Profile[] = [];
  const run = async (batch: string[]) => {
    const monitor = new Monitor();
    await ner.extractColumns(batch, { ...options, monitor });
    chunks.push(monitor.take());
  };
  let batch: string[] = [];
  for await (const text of texts) {
    batch.push(text);
    if (batch.length === chunkTexts) {
      await run(batch);
      batch = [];
    }
  }
  if (batch.length > 0 || chunks.length === 0) await run(batch);
  const profile = chunks.slice(1).reduce(mergeProfiles, chunks[0]);
  return { profile, chunks, chunkTexts };
}

/** The baseline file of a profile run: the profile, the label shares' spread over chunks, and what made it. */
export function toBaseline(ner: NativeNer, run: ProfileRun, inputs: string[], options: ExtractOptions): Baseline {
  const folder = dirname(ner.info.modelPath);
  const name = basename(basename(folder) === 'onnx' ? dirname(folder) : folder);
  // Only the options that change what the model says are recorded; a Monitor or rules object is not data.
  const { monitor: _monitor, rules, ...recorded } = options;
  void _monitor;
  return {
    format: BASELINE_FORMAT,
    created: new Date().toISOString(),
    model: { name, entityTypes: [...ner.info.entityTypes], head: ner.info.head },
    inputs,
    options: { ...recorded, ...(typeof rules === 'string' ? { rules } : {}) },
    profile: run.profile,
    shares: shareSpread(run.chunks, run.chunkTexts),
  };
}

/**
 * Texts of a file or stream: one per line, blank lines skipped; as JSON lines (`jsonl`), each line a JSON string, an object
 * with a string `text`, or an object with `tokens` (words joined by single spaces, as GENIA's JSON lines and the
 * evaluator's sentences).
 */
export async function* readProfileTexts(input: string | Readable, jsonl: boolean): AsyncGenerator<string> {
  const path = typeof input === 'string' ? input : 'standard input';
  const stream = typeof input === 'string' ? createReadStream(input, { encoding: 'utf8' }) : input;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    if (!jsonl) {
      yield line;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new NerError('ERR_INVALID_ARGUMENT', `${path}:${lineNumber}: not JSON`);
    }
    if (typeof value === 'string') {
      yield value;
    } else if (value !== null && typeof value === 'object' && typeof (value as { text?: unknown }).text === 'string') {
      yield (value as { text: string }).text;
    } else if (value !== null && typeof value === 'object' && Array.isArray((value as { tokens?: unknown }).tokens)) {
      yield ((value as { tokens: unknown[] }).tokens).map(String).join(' ');
    } else {
      throw new NerError('ERR_INVALID_ARGUMENT', `${path}:${lineNumber}: expected a string, {"text": ...} or {"tokens": [...]}`);
    }
  }
}
