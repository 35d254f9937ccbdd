#!/usr/bin/env node
// native-ner command line: `native-ner extract --model DIR [options] [TEXT|FILE ...]` prints one JSON line per text.
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { NerError } from './errors';
import { NativeNer } from './ner';
import type { ModelOptions } from './options';

const USAGE = `Usage: native-ner extract --model DIR [options] [TEXT|FILE ...]

Prints one JSON line per text: {"text": ..., "entities": [{label, start, end, text, score}, ...]}.
Each argument that names an existing file is read as one text per line; any other argument is a text.
With no argument, texts are read from standard input, one per line.

Options:
  --model DIR          model directory (model.onnx, tokenizer.json, config.json)   [required]
  --model-file FILE    ONNX file inside DIR, e.g. model_int8.onnx
  --aggregation NAME   simple (default)
  --batch-size N       texts per model batch (default 64)
  --threads N          ONNX Runtime intra-op threads (default: one per core)
  -h, --help           show this help`;

const CHUNK = 512;  // texts per extract call: bounds memory for inputs of any size

class UsageError extends Error {}

async function* readLines(path: string | null): AsyncGenerator<string> {
  const input = path === null ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) yield line;
}

async function* textsOf(positionals: string[]): AsyncGenerator<string> {
  if (positionals.length === 0) {
    yield* readLines(null);
    return;
  }
  for (const arg of positionals) {
    let isFile = false;
    try {
      isFile = statSync(arg).isFile();
    } catch {
      isFile = false;
    }
    if (isFile) yield* readLines(arg);
    else yield arg;
  }
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer, got '${value}'`);
  return n;
}

async function extract(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      'model-file': { type: 'string' },
      aggregation: { type: 'string' },
      'batch-size': { type: 'string' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.model) throw new UsageError('--model DIR is required');
  const options: ModelOptions = {};
  if (values['model-file']) options.modelFile = values['model-file'];
  if (values.aggregation) options.aggregation = values.aggregation as ModelOptions['aggregation'];
  options.batchSize = positiveInteger(values['batch-size'], '--batch-size');
  options.intraOpThreads = positiveInteger(values.threads, '--threads');

  const ner = await NativeNer.load(values.model, options);
  try {
    let chunk: string[] = [];
    const flush = async () => {
      const results = await ner.extract(chunk);
      const lines = chunk.map((text, i) => JSON.stringify({ text, entities: results[i] }));
      process.stdout.write(lines.join('\n') + '\n');
      chunk = [];
    };
    for await (const text of textsOf(positionals)) {
      chunk.push(text);
      if (chunk.length >= CHUNK) await flush();
    }
    if (chunk.length > 0) await flush();
  } finally {
    await ner.dispose();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'extract') {
      await extract(rest);
      return 0;
    }
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command '${command}'`);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`native-ner: ${(error as Error).message}\n\n${USAGE}`);
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
