#!/usr/bin/env node
// native-ner command line: `extract` prints one JSON line per text, `redact` rewrites the entities of each text, `eval`
// scores a model on a labelled dataset, `calibrate` fits temperature scaling on one, `serve` serves it over HTTP.
// commands.ts parses the arguments (option flags come from the option table, options.ts).
import { once } from 'node:events';
import { statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { calibrationDocument, fitCalibration, formatCalibration } from './calibration';
import { isCommand, parseCommandLine, USAGE, usageOf, UsageError, type CommandLine, type CommandName } from './commands';
import { readServeBaseline, runDrift, runProfile, serveDriftWindow } from './drift/commands';
import { NerError } from './errors';
import {
  DEFAULT_PII_RECORDS,
  DEFAULT_PII_SEED,
  evaluate,
  evaluatePii,
  formatEvaluation,
  formatPiiEvaluation,
  generatePiiSet,
  namePools,
  readConll,
  readGenia,
  reliabilitySvg,
  type Dataset,
} from './eval';
import { NativeNer } from './ner';
import { SERVE_LIMITS, type ModelOptions } from './options';
import { readKeyFile, type OperatorObject, type RedactionKeys } from './redaction';
import type { Rules } from './rules';
import { createRulesReloader, createService, describeRules, KEY_FILE_FLAGS } from './server';
import { readTexts } from './stream';
import { runWorkerCommand } from './worker/command';

const CHUNK = 512;  // texts per extract call: bounds memory for inputs of any size

/** Loads the model and prints what is suspect about it (ModelInfo.warnings) on stderr. */
async function loadModel(dir: string, options: ModelOptions): Promise<NativeNer> {
  const ner = await NativeNer.load(dir, options);
  for (const warning of ner.info.warnings) console.error(`native-ner: warning: ${warning}`);
  return ner;
}

/**
 * Texts of the arguments: files are read line by line (JSON lines with --jsonl or a .jsonl name), others are texts.
 * `formats`, when given, gets each text's format as it is read ('lines' for an argument), so a command can answer
 * each text in kind.
 */
async function* textsOf(positionals: string[], jsonl: boolean, formats?: ('lines' | 'jsonl')[]): AsyncGenerator<string> {
  const read = async function* (input: Parameters<typeof readTexts>[0], format: 'lines' | 'jsonl') {
    for await (const text of readTexts(input, format)) {
      formats?.push(format);
      yield text;
    }
  };
  if (positionals.length === 0) {
    yield* read(process.stdin, jsonl ? 'jsonl' : 'lines');
    return;
  }
  for (const arg of positionals) {
    let isFile = false;
    try {
      isFile = statSync(arg).isFile();
    } catch {
      isFile = false;
    }
    if (isFile) {
      yield* read(arg, jsonl || arg.endsWith('.jsonl') ? 'jsonl' : 'lines');
    } else {
      formats?.push('lines');
      yield arg;
    }
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

/**
 * Writes one output line per streamed result, CHUNK lines at a time, ticking the progress line; ends the progress
 * line and disposes the model however the stream ends.
 */
async function writeLines<R extends { index: number }>(
  ner: NativeNer,
  results: AsyncIterable<R>,
  toLine: (result: R) => string,
): Promise<void> {
  const progress = progressReporter();
  try {
    let lines: string[] = [];
    for await (const result of results) {
      lines.push(toLine(result));
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

/** The parsed command line, or null after printing the command's help for --help. */
function commandLine(command: CommandName, args: string[]): CommandLine | null {
  const line = parseCommandLine(command, args);
  if (!line.help) return line;
  console.log(usageOf(command));
  return null;
}

async function extract(args: string[]): Promise<void> {
  const line = commandLine('extract', args);
  if (!line) return;
  // The extract options given become the model's defaults.
  const ner = await loadModel(line.model, { ...line.options.model, ...line.options.extract });
  const results = ner.extractStream(textsOf(line.positionals, line.flags.jsonl === true), { chunkSize: CHUNK });
  await writeLines(ner, results, (result) => JSON.stringify({ text: result.text, entities: result.entities }));
}

/**
 * The keys of --hash-key and --encrypt-key, read before the model loads; an operator needing a key not
 * given is a UsageError naming the flag.
 */
function keysOf(flags: CommandLine['flags'], operators: Record<string, OperatorObject> = {}): RedactionKeys {
  const keys: RedactionKeys = {};
  const hashFile = flags['hash-key'];
  const encryptFile = flags['encrypt-key'];
  if (typeof hashFile === 'string') keys.hash = readKeyFile(hashFile);
  if (typeof encryptFile === 'string') {
    keys.encrypt = readKeyFile(encryptFile);
    if (keys.encrypt.length !== 32) {
      const size = `the key file ${encryptFile} holds ${keys.encrypt.length} bytes`;
      throw new NerError('ERR_INVALID_ARGUMENT', `${size}; the encrypt key is exactly 32 (e.g. openssl rand -hex 32 > ${encryptFile})`);
    }
  }
  for (const [label, { type }] of Object.entries(operators)) {
    if ((type === 'hash' || type === 'encrypt') && keys[type] === undefined) {
      throw new UsageError(`--operator ${label}=${type} needs ${KEY_FILE_FLAGS[type]} FILE`);
    }
  }
  return keys;
}

/** How /redact is set up, for serve's log: the default operators' labels and names, and which keys it holds (never a key). */
function describeRedactSetup(operators: Record<string, OperatorObject> = {}, keys: RedactionKeys): string | null {
  const parts: string[] = [];
  const defaults = Object.entries(operators).map(([label, { type }]) => `${label}=${type}`);
  if (defaults.length > 0) parts.push(`default operators ${defaults.join(', ')}`);
  const held = (['hash', 'encrypt'] as const).filter((which) => keys[which] !== undefined);
  if (held.length > 0) parts.push(`${held.join(' and ')} key${held.length > 1 ? 's' : ''} loaded`);
  return parts.length > 0 ? parts.join('; ') : null;
}

async function redact(args: string[]): Promise<void> {
  const line = commandLine('redact', args);
  if (!line) return;
  const operators = line.options.redact.operators as Record<string, OperatorObject> | undefined;
  const keys = keysOf(line.flags, operators);
  // The extract options given become the model's defaults, as for extract.
  const ner = await loadModel(line.model, { ...line.options.model, ...line.options.extract });
  // Each text's input format, in input order: a text line is answered by a line, a JSON line by a JSON line.
  const formats: ('lines' | 'jsonl')[] = [];
  const texts = textsOf(line.positionals, line.flags.jsonl === true, formats);
  const results = ner.redactStream(texts, { ...line.options.redact, keys, chunkSize: CHUNK });
  await writeLines(ner, results, (result) =>
    formats.shift() === 'jsonl' ? JSON.stringify({ text: result.text, items: result.items }) : result.text,
  );
}

async function evalCommand(args: string[]): Promise<void> {
  const line = commandLine('eval', args);
  if (!line) return;
  const { conll, jsonl, pii, json } = line.flags;
  if ([conll, jsonl, pii].filter(Boolean).length !== 1) throw new UsageError('give one of --conll FILE, --jsonl FILE or --pii FILE');
  if (pii && line.flags.reliability !== undefined) throw new UsageError('--reliability needs --conll FILE or --jsonl FILE');
  if (pii) return evalPii(line, pii as string);
  // The extract options given go to each call, so the report names them.
  const decoding = line.options.extract;
  // Read the data before loading the model, so a wrong path fails at once.
  const dataset: Dataset = conll ? readConll(conll as string) : readGenia(jsonl as string);

  const ner = await loadModel(line.model, line.options.model);
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
    const output = json
      ? JSON.stringify({ model: line.model, modelFile: line.options.model.modelFile, ...evaluation }, null, 2)
      : formatEvaluation(evaluation);
    process.stdout.write(output + '\n');
    const reliability = line.flags.reliability as string | undefined;
    if (reliability !== undefined && evaluation.calibration) {
      // File names only, on two lines: the subtitle must fit the chart's width.
      const calibrated = ner.info.calibration === undefined ? 'uncalibrated' : `calibration ${basename(ner.info.calibration)}`;
      const settings = `decoding ${decoding.decoding ?? 'default'}, aggregation ${decoding.aggregation ?? 'default'}`;
      const subtitle = `${basename(dataset.source)}, ${basename(resolvePath(line.model))}, ${calibrated}\n${settings}`;
      writeFileSync(reliability, reliabilitySvg(evaluation.calibration, subtitle));
      if (!json) console.error(`native-ner: reliability diagram written to ${reliability}`);
    }
  } finally {
    await ner.dispose();
  }
}

/** eval --pii FILE: the generated PII set (names from FILE's entities) redacted and scored (lib/eval/pii-*.ts). */
async function evalPii(line: CommandLine, namesFile: string): Promise<void> {
  const names = namePools(readConll(namesFile));
  const records = generatePiiSet(names, { records: DEFAULT_PII_RECORDS, seed: DEFAULT_PII_SEED });
  const ner = await loadModel(line.model, line.options.model);
  try {
    const showProgress = process.stderr.isTTY === true;
    // --rules FILE replaces the default rules (every built-in recognizer).
    const evaluation = await evaluatePii(ner, records, {
      ...line.options.extract,
      onProgress: showProgress ? (done, total) => process.stderr.write(`\r${done}/${total} texts`) : undefined,
    });
    if (showProgress) process.stderr.write('\r\x1b[K');
    const rules = line.options.extract.rules === undefined ? 'every built-in recognizer' : `rules ${line.options.extract.rules as string}`;
    const title = `PII set: ${records.length} texts (seed ${DEFAULT_PII_SEED}, names from ${namesFile}), ${rules}, model ${line.model}`;
    const output = line.flags.json
      ? JSON.stringify({ model: line.model, modelFile: line.options.model.modelFile, names: namesFile, seed: DEFAULT_PII_SEED, ...evaluation }, null, 2)
      : formatPiiEvaluation(evaluation, title);
    process.stdout.write(output + '\n');
  } finally {
    await ner.dispose();
  }
}

/**
 * calibrate: fits temperature scaling on a CoNLL file (lib/calibration) and writes the calibration file. The model
 * loads without calibration ('none'): the fit is on raw logits, and a broken calibration.json must not stop the
 * command that replaces it.
 */
async function calibrateCommand(args: string[]): Promise<void> {
  const line = commandLine('calibrate', args);
  if (!line) return;
  const conll = line.flags.conll as string | undefined;
  if (conll === undefined) throw new UsageError('--conll FILE is required');
  const out = (line.flags.out as string | undefined) ?? join(line.model, 'calibration.json');
  // Read the data before loading the model, so a wrong path fails at once.
  const dataset = readConll(conll);
  const ner = await loadModel(line.model, { ...line.options.model, calibration: 'none' });
  try {
    const showProgress = process.stderr.isTTY === true;
    const fit = await fitCalibration(ner, dataset, {
      perLabel: line.flags['per-label'] === true,
      onProgress: showProgress ? (done, total) => process.stderr.write(`\r${done}/${total} sentences`) : undefined,
    });
    if (showProgress) process.stderr.write('\r\x1b[K');
    writeFileSync(out, `${JSON.stringify(calibrationDocument(fit, conll), null, 2)}\n`);
    process.stdout.write(`${formatCalibration(fit, conll, out)}\n`);
  } finally {
    await ner.dispose();
  }
}

/**
 * serve --shadow: a model directory, or an .onnx file inside one (int8 beside fp32). It loads with the primary's
 * options (threads, rules, segmentation), so the two differ by the model alone.
 */
async function loadShadow(path: string, options: ModelOptions): Promise<NativeNer> {
  const file = path.toLowerCase().endsWith('.onnx') ? { dir: dirname(path), modelFile: basename(path) } : { dir: path, modelFile: undefined };
  return loadModel(file.dir, { ...options, modelFile: file.modelFile });
}

async function serveCommand(args: string[]): Promise<void> {
  const line = commandLine('serve', args);
  if (!line) return;
  const { port: portFlag, host } = line.flags;
  const port = portFlag === undefined ? 8080 : Number(portFlag);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port needs 0 to 65535, got '${portFlag}'`);
  const limits = line.options.serve;
  const operators = line.options.redact.operators as Record<string, OperatorObject> | undefined;
  const keys = keysOf(line.flags, operators);
  if (limits.logTexts && limits.requestLog === undefined) throw new UsageError('--log-texts needs --request-log FILE');

  const baseline = readServeBaseline(line);

  // The extract options given (--segment, --line-breaks) become the model's defaults, so every request gets them.
  const ner = await loadModel(line.model, { ...line.options.model, ...line.options.extract });
  const drift = baseline ? serveDriftWindow(baseline, ner, line, (message) => console.error(message)) : undefined;
  const shadowPath = line.flags.shadow as string | undefined;
  const shadow = shadowPath === undefined ? undefined : await loadShadow(shadowPath, { ...line.options.model, ...line.options.extract });
  const service = createService(ner, { ...limits, redact: { operators, keys }, shadow, drift });
  await new Promise<void>((resolve, reject) => {
    service.server.once('error', reject);
    service.server.listen(port, (host as string | undefined) ?? '127.0.0.1', () => resolve());
  });
  console.error(`native-ner: serving ${ner.info.modelPath} on ${service.url()}`);
  if (limits.requestLog !== undefined) {
    const where = limits.requestLog === '-' ? 'stdout' : limits.requestLog;
    console.error(`native-ner: request log to ${where}, ${limits.logTexts ? 'with texts and answers (--log-texts)' : 'counts only, no texts'}`);
  }
  if (shadow) {
    const share = limits.shadowShare ?? SERVE_LIMITS.shadowShare.default;
    console.error(`native-ner: shadow model ${shadow.info.modelPath} runs on a share of ${share} of /extract requests`);
  }
  const redactSetup = describeRedactSetup(operators, keys);
  if (redactSetup !== null) console.error(`native-ner: /redact: ${redactSetup}`);
  const rulesFile = line.options.extract.rules as string | undefined;
  if (rulesFile !== undefined) {
    console.error(`native-ner: rules from ${rulesFile}: ${describeRules(ner.currentRules as Rules)}; SIGHUP reloads them`);
    // Without --rules, SIGHUP keeps Node's default (the process ends), as before.
    const reloader = createRulesReloader(ner, rulesFile, (message) => console.error(message));
    process.on('SIGHUP', () => void reloader.reload());
  }
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

/** native-ner profile: a drift baseline of the inputs on stdout (lib/drift/commands.ts). */
async function profileCommand(args: string[]): Promise<void> {
  const line = commandLine('profile', args);
  if (line) await runProfile(line, loadModel);
}

/** native-ner drift: the inputs against a baseline; a drift alert fails with exit 1 (lib/drift/commands.ts). */
async function driftCommand(args: string[]): Promise<void> {
  const line = commandLine('drift', args);
  if (line) await runDrift(line, loadModel);
}

/** worker: consumes a Redis stream in a consumer group (lib/worker/command.ts). */
async function workerCommand(args: string[]): Promise<void> {
  const line = commandLine('worker', args);
  if (line) await runWorkerCommand(line, { loadModel, keysOf });
}

const RUN: Record<CommandName, (args: string[]) => Promise<void>> = {
  extract,
  redact,
  eval: evalCommand,
  calibrate: calibrateCommand,
  serve: serveCommand,
  profile: profileCommand,
  drift: driftCommand,
  worker: workerCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const known = isCommand(command) ? command : undefined;
  try {
    if (known) {
      await RUN[known](rest);
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
      console.error(`native-ner: ${(error as Error).message}\n\n${known ? usageOf(known) : USAGE}`);
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
