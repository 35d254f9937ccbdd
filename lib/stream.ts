// Streaming extraction: texts flow in from any (async) iterable, entities flow out in the same order, with a bounded
// number of texts in memory. Pulling is lazy, so a slow consumer slows the reading (backpressure).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { NerError } from './errors';
import type { Entity } from './ner';
import { checkStreamOptions, type ExtractOptions, type StreamOptions } from './options';

// chunkSize and concurrency are entries of the option table (lib/options.ts).
export type { StreamOptions } from './options';

export interface StreamResult {
  /** Position of the text in the input, from 0. */
  index: number;
  text: string;
  entities: Entity[];
}

/** What streaming needs of a model: NativeNer fits. */
export interface StreamExtractor {
  extract(texts: string[], options?: ExtractOptions): Promise<Entity[][]>;
}

function iteratorOf(source: unknown): AsyncIterator<string> | Iterator<string> {
  if (typeof source === 'string') {
    throw new TypeError('source must be an iterable of texts, not one string (which would stream its characters); pass [text]');
  }
  const o = source as Partial<AsyncIterable<string> & Iterable<string>> | null;
  if (o !== null && (typeof o === 'object' || typeof o === 'function')) {
    if (typeof o[Symbol.asyncIterator] === 'function') return o[Symbol.asyncIterator]!();
    if (typeof o[Symbol.iterator] === 'function') return o[Symbol.iterator]!();
  }
  throw new TypeError('source must be an iterable or async iterable of strings (an array, a generator, readTexts(file))');
}

/** How many texts one call takes and how many calls run at once (checked stream options). */
export interface ChunkLimits {
  chunkSize: number;
  concurrency: number;
}

/**
 * Runs `run` over the texts of `source` in chunks, yielding each text with its result in input order. Beyond the
 * results already taken, at most chunkSize × (concurrency + 1) texts are held: the chunk being handed out and those
 * in flight. The source is read only as results are taken. extractStream and redactStream are this with their call.
 */
export async function* streamInChunks<R>(
  source: Iterable<string> | AsyncIterable<string>,
  { chunkSize, concurrency }: ChunkLimits,
  run: (texts: string[]) => Promise<R[]>,
): AsyncGenerator<{ index: number; text: string; result: R }> {
  const iterator = iteratorOf(source);

  let nextIndex = 0;
  let exhausted = false;
  const readChunk = async (): Promise<string[]> => {
    const texts: string[] = [];
    while (!exhausted && texts.length < chunkSize) {
      const step = await iterator.next();
      if (step.done) {
        exhausted = true;
        break;
      }
      if (typeof step.value !== 'string') throw new TypeError(`text ${nextIndex + texts.length} of the stream is not a string`);
      texts.push(step.value);
    }
    return texts;
  };

  // Chunks in flight, oldest first; each resolves to its texts and their results.
  const inFlight: Promise<{ first: number; texts: string[]; results: R[] }>[] = [];
  const launch = async () => {
    const texts = await readChunk();
    if (texts.length === 0) return false;
    const first = nextIndex;
    nextIndex += texts.length;
    const work = run(texts).then((results) => ({ first, texts, results }));
    work.catch(() => undefined); // surfaced when awaited in order below
    inFlight.push(work);
    return true;
  };

  try {
    while (inFlight.length < concurrency && (await launch()));
    while (inFlight.length > 0) {
      const { first, texts, results } = await (inFlight.shift() as (typeof inFlight)[number]);
      // Start the next chunk before handing these results out, so the model keeps working.
      if (!exhausted) await launch();
      for (let k = 0; k < texts.length; k++) yield { index: first + k, text: texts[k], result: results[k] };
    }
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}

/**
 * Extracts entities from every text of `source`, yielding them in input order, with bounded memory
 * (streamInChunks).
 */
export async function* extractStream(
  ner: StreamExtractor,
  source: Iterable<string> | AsyncIterable<string>,
  options: StreamOptions = {},
): AsyncGenerator<StreamResult> {
  const { chunkSize, concurrency, extract: extractOptions } = checkStreamOptions(options);
  const chunks = streamInChunks(source, { chunkSize, concurrency }, (texts) => ner.extract(texts, extractOptions));
  for await (const { index, text, result } of chunks) yield { index, text, entities: result };
}

/**
 * Texts of a file or readable stream: one per line, or with `jsonl` one JSON value per line (a string, or an
 * object with a string `text`). Blank lines of a JSON-lines input are skipped; in plain text they are empty texts.
 */
export async function* readTexts(input: string | Readable, format: 'lines' | 'jsonl' = 'lines'): AsyncGenerator<string> {
  const stream = typeof input === 'string' ? createReadStream(input, { encoding: 'utf8' }) : input;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (format === 'lines') {
      yield line;
      continue;
    }
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new NerError('ERR_INVALID_ARGUMENT', `line ${lineNumber} is not valid JSON`);
    }
    const text = typeof value === 'string' ? value : (value as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') {
      throw new NerError('ERR_INVALID_ARGUMENT', `line ${lineNumber} is neither a JSON string nor an object with a string "text"`);
    }
    yield text;
  }
}
