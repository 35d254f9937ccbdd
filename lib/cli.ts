#!/usr/bin/env node
// native-ner command line: `extract` prints one JSON line per text; `eval` scores a model on a labelled dataset.
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { NerError } from './errors';
import { evaluate, formatEvaluation, readConll, readGenia, type Dataset } from './eval';
import { NativeNer } from './ner';
import type { ExtractOptions, ModelOptions } from './options';
import { createService, SERVE_LIMITS, type ServeOptions } from './server';
import { readTexts } from './stream';

const USAGE = `Usage: native-ner <command> [options]

Commands:
  extract --model DIR [options] [TEXT|FILE ...]     print the entities of each text as a JSON line
  eval --model DIR (--conll FILE | --jsonl FILE)    score the model on a labelled dataset
  serve --model DIR [--port N]                      serve POST /extract, GET /healthz and GET /metrics over HTTP

\`native-ner <command> --help\` lists the command's options.`;

const EXTRACT_USAGE = `Usage: native-ner extract --model DIR [options] [TEXT|FILE ...]

Prints one JSON line per text: {"text": ..., "entities": [{label, start, end, text, score}, ...]}.
Each argument that names an existing file is read as one text per line (JSON lines with --jsonl or a .jsonl
name: a JSON string or an object with "text" per line); any other argument is a text. With no argument, texts
are read from standard input. Input is streamed: memory stays bounded however large it is; a progress line is
shown on stderr when it is a terminal.

Options:
  --model DIR          model directory (model.onnx, tokenizer.json, config.json)   [required]
  --model-file FILE    ONNX file inside DIR, e.g. model_int8.onnx
  --aggregation NAME   none, simple, first, average (default) or max
  --decoding NAME      viterbi (default) or argmax (the reference pipeline's exact output)
  --span-mode NAME     span models: nested (default) or flat
  --span-threshold T   span models: spans scoring above T (0 < T < 1) are candidates (default: the model's)
  --stride N           tokens shared by consecutive windows of a text longer than the model (default 128)
  --batch-size N       texts per model batch (default 64)
  --threads N          ONNX Runtime intra-op threads (default: one per core)
  --jsonl              read files and standard input as JSON lines
  -h, --help           show this help`;

const EVAL_USAGE = `Usage: native-ner eval --model DIR (--conll FILE | --jsonl FILE) [options]

Runs the model over every sentence of a labelled dataset (sentence text = its words joined by single spaces)
and prints strict span precision, recall and F1 (exact start, end and type), per type and overall.

Options:
  --model DIR          model directory (model.onnx, tokenizer.json, config.json)   [required]
  --conll FILE         CoNLL file: word ... TAG per line, tags IOB1, IOB2 or BIOES (e.g. CoNLL-2003 eng.testb)
  --jsonl FILE         nested NER JSON lines: tokens, entity_mentions [{start, end, entity_type}] (e.g. GENIA);
                       also scores inner and outer entities
  --model-file FILE    ONNX file inside DIR, e.g. model_int8.onnx
  --aggregation NAME   passed to extract (default: the model's, average)
  --decoding NAME      passed to extract (default: the model's, viterbi)
  --span-mode NAME     span models: nested (default) or flat
  --span-threshold T   span models: spans scoring above T (0 < T < 1) are candidates (default: the model's)
  --batch-size N       texts per model batch (default 64)
  --threads N          ONNX Runtime intra-op threads (default: one per core)
  --json               print the scores as JSON instead of a table
  -h, --help           show this help`;

const SERVE_USAGE = `Usage: native-ner serve --model DIR [--port N] [--host ADDR] [options]

Serves the model over HTTP until SIGINT or SIGTERM, then stops accepting connections, gives the requests in flight
up to --shutdown-grace-ms to finish, closes the connections left and exits.
  POST /extract   body {"texts": [...]} or {"text": "..."}, optionally "options": {...} (extract's options);
                  answers {"entities": [[...], ...]} (or [...] for "text"); errors {"error": {code, message}}
  GET /healthz    {"status": "ok", "model": {"name", "sha256"}, ...}
  GET /metrics    Prometheus text: request and inference latency histograms, texts, tokens, entities by label,
                  requests by status, errors by code

Options:
  --model DIR            model directory   [required]
  --port N               TCP port (default 8080; 0 picks a free one)
  --host ADDR            address to listen on (default 127.0.0.1)
  --model-file FILE      ONNX file inside DIR, e.g. model_int8.onnx
  --threads N            ONNX Runtime intra-op threads
${Object.values(SERVE_LIMITS)
  .map(({ flag, help, default: fallback }) => `  ${`${flag} N`.padEnd(23)}${help} (default ${fallback})`)
  .join('\n')}
  -h, --help             show this help`;

const CHUNK = 512;  // texts per extract call: bounds memory for inputs of any size

class UsageError extends Error {}

/** Loads the model and prints what is suspect about it (ModelInfo.warnings) on stderr. */
async function loadModel(dir: string, options: ModelOptions): Promise<NativeNer> {
  const ner = await NativeNer.load(dir, options);
  for (const warning of ner.info.warnings) console.error(`native-ner: warning: ${warning}`);
  return ner;
}

/** Texts of the arguments: files are read line by line (JSON lines with --jsonl or a .jsonl name), others are texts. */
async function* textsOf(positionals: string[], jsonl: boolean): AsyncGenerator<string> {
  if (positionals.length === 0) {
    yield* readTexts(process.stdin, jsonl ? 'jsonl' : 'lines');
    return;
  }
  for (const arg of positionals) {
    let isFile = false;
    try {
      isFile = statSync(arg).isFile();
    } catch {
      isFile = false;
    }
    if (isFile) yield* readTexts(arg, jsonl || arg.endsWith('.jsonl') ? 'jsonl' : 'lines');
    else yield arg;
  }
}

/** A one-line progress report on stderr, redrawn at most every 200 ms; only on a terminal. */
function progressReporter(): { tick(done: number): void; end(): void } {
  if (!process.stderr.isTTY) return { tick: () => undefined, end: () => undefined };
  const started = performance.now();
  let last = 0;
  const draw = (done: number) => {
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`\r${done} texts, ${(done / Math.max(seconds, 1e-3)).toFixed(0)} texts/s, ${seconds.toFixed(1)} s`);
  };
  return {
    tick(done) {
      if (performance.now() - last < 200) return;
      last = performance.now();
      draw(done);
    },
    end() {
      process.stderr.write('\r\x1b[K');
    },
  };
}

/** Writes to stdout, waiting when its buffer is full so memory stays bounded on slow pipes. */
async function writeOut(chunk: string): Promise<void> {
  if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer, got '${value}'`);
  return n;
}

function spanThreshold(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const threshold = Number(value);
  if (!(threshold > 0 && threshold < 1)) {
    throw new UsageError(`--span-threshold needs a number between 0 and 1, exclusive, got '${value}'`);
  }
  return threshold;
}

// Flags of every command that loads a model, and how they become model options.
const MODEL_FLAGS = {
  model: { type: 'string' },
  'model-file': { type: 'string' },
  threads: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function modelOptionsOf(values: { model?: string; 'model-file'?: string; threads?: string }): { dir: string; options: ModelOptions } {
  if (!values.model) throw new UsageError('--model DIR is required');
  const options: ModelOptions = {};
  if (values['model-file']) options.modelFile = values['model-file'];
  options.intraOpThreads = positiveInteger(values.threads, '--threads');
  return { dir: values.model, options };
}

// Flags that choose how entities are decoded (extract and eval), and how they become extract options.
const DECODING_FLAGS = {
  aggregation: { type: 'string' },
  decoding: { type: 'string' },
  'span-mode': { type: 'string' },
  'span-threshold': { type: 'string' },
  'batch-size': { type: 'string' },
} as const;

function decodingOptionsOf(values: {
  aggregation?: string;
  decoding?: string;
  'span-mode'?: string;
  'span-threshold'?: string;
  'batch-size'?: string;
}): ExtractOptions {
  // Names are checked by the options themselves, with the list of accepted values in the message.
  return {
    aggregation: values.aggregation as ExtractOptions['aggregation'],
    decoding: values.decoding as ExtractOptions['decoding'],
    spanMode: values['span-mode'] as ExtractOptions['spanMode'],
    spanThreshold: spanThreshold(values['span-threshold']),
    batchSize: positiveInteger(values['batch-size'], '--batch-size'),
  };
}

async function extract(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...MODEL_FLAGS, ...DECODING_FLAGS, stride: { type: 'string' }, jsonl: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(EXTRACT_USAGE);
    return;
  }
  const { dir, options } = modelOptionsOf(values);
  Object.assign(options, decodingOptionsOf(values));
  if (values.stride !== undefined) {
    const stride = Number(values.stride);
    if (!Number.isInteger(stride) || stride < 0) throw new UsageError(`--stride needs an integer >= 0, got '${values.stride}'`);
    options.stride = stride;
  }

  const ner = await loadModel(dir, options);
  const progress = progressReporter();
  try {
    let lines: string[] = [];
    for await (const result of ner.extractStream(textsOf(positionals, values.jsonl === true), { chunkSize: CHUNK })) {
      lines.push(JSON.stringify({ text: result.text, entities: result.entities }));
      if (lines.length >= CHUNK) {
        await writeOut(lines.join('\n') + '\n');
        lines = [];
      }
      progress.tick(result.index + 1);
    }
    if (lines.length > 0) await writeOut(lines.join('\n') + '\n');
  } finally {
    progress.end();
    await ner.dispose();
  }
}

async function evalCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { ...MODEL_FLAGS, ...DECODING_FLAGS, conll: { type: 'string' }, jsonl: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(EVAL_USAGE);
    return;
  }
  const { dir, options } = modelOptionsOf(values);
  if (Boolean(values.conll) === Boolean(values.jsonl)) throw new UsageError('give one of --conll FILE or --jsonl FILE');
  const decoding = decodingOptionsOf(values);
  // Read the data before loading the model, so a wrong path fails at once.
  const dataset: Dataset = values.conll ? readConll(values.conll) : readGenia(values.jsonl as string);

  const ner = await loadModel(dir, options);
  try {
    // Progress only on a terminal: redirected stderr stays clean for scripts.
    const showProgress = process.stderr.isTTY === true;
    // A span model's report names the span settings it ran with, defaults included.
    const span = ner.info.head === 'span';
    const evaluation = await evaluate(ner, dataset, {
      ...decoding,
      spanMode: decoding.spanMode ?? (span ? 'nested' : undefined),
      spanThreshold: decoding.spanThreshold ?? (span ? ner.info.spanThreshold : undefined),
      onProgress: showProgress ? (done, total) => process.stderr.write(`\r${done}/${total} sentences`) : undefined,
    });
    if (showProgress) process.stderr.write('\r\x1b[K');
    const output = values.json
      ? JSON.stringify({ model: values.model, modelFile: values['model-file'], ...evaluation }, null, 2)
      : formatEvaluation(evaluation);
    process.stdout.write(output + '\n');
  } finally {
    await ner.dispose();
  }
}

// One string flag per service limit, named by SERVE_LIMITS.
const SERVE_LIMIT_FLAGS = Object.fromEntries(
  Object.values(SERVE_LIMITS).map(({ flag }) => [flag.slice(2), { type: 'string' as const }]),
);

/** The service limits given as flags, checked against their ranges so a wrong one fails before the model loads. */
function serveLimitsOf(values: Record<string, unknown>): ServeOptions {
  const limits: ServeOptions = {};
  for (const [key, { flag, min, max }] of Object.entries(SERVE_LIMITS) as [keyof ServeOptions, (typeof SERVE_LIMITS)[keyof ServeOptions]][]) {
    const value = values[flag.slice(2)];
    if (value === undefined) continue;
    const n = Number(value);
    if (value === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(`${flag} needs an integer from ${min} to ${max}, got '${value}'`);
    }
    limits[key] = n;
  }
  return limits;
}

async function serveCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { ...MODEL_FLAGS, port: { type: 'string' }, host: { type: 'string' }, ...SERVE_LIMIT_FLAGS },
  });
  if (values.help) {
    console.log(SERVE_USAGE);
    return;
  }
  const { dir, options } = modelOptionsOf(values as { model?: string; 'model-file'?: string; threads?: string });
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port needs 0 to 65535, got '${values.port}'`);
  const limits = serveLimitsOf(values);

  const ner = await loadModel(dir, options);
  const service = createService(ner, limits);
  await new Promise<void>((resolve, reject) => {
    service.server.once('error', reject);
    service.server.listen(port, (values.host as string | undefined) ?? '127.0.0.1', () => resolve());
  });
  console.error(`native-ner: serving ${ner.info.modelPath} on ${service.url()}`);
  const grace = limits.shutdownGraceMs ?? SERVE_LIMITS.shutdownGraceMs.default;
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.error(`native-ner: ${signal}, answering requests in flight for up to ${grace} ms before exiting`);
      void service.shutdown().then(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await stopped;
}

const COMMANDS: Record<string, { run: (args: string[]) => Promise<void>; usage: string }> = {
  extract: { run: extract, usage: EXTRACT_USAGE },
  eval: { run: evalCommand, usage: EVAL_USAGE },
  serve: { run: serveCommand, usage: SERVE_USAGE },
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const known = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  try {
    if (known) {
      await known.run(rest);
      return 0;
    }
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command '${command}'`);
  } catch (error) {
    // parseArgs reports unknown flags, missing values and stray arguments with ERR_PARSE_ARGS_* codes.
    const code = (error as { code?: unknown } | null)?.code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))) {
      console.error(`native-ner: ${(error as Error).message}\n\n${known?.usage ?? USAGE}`);
      return 2;
    }
    if (error instanceof NerError) {
      console.error(`native-ner: ${error.message} (${error.code})`);
      return 1;
    }
    console.error(`native-ner: ${(error as Error).message ?? error}`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
