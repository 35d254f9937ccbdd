// `native-ner profile`, `native-ner drift` and serve's --baseline (their flags and help are in lib/commands.ts; cli.ts
// calls these).
// profile prints a baseline of its inputs; drift profiles its inputs the same way, compares them with a baseline,
// prints the table and fails (exit 1) when a signal alerts, so it can gate a CI job or a deploy.
import { statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { UsageError, type CommandLine } from '../commands';
import { NerError } from '../errors';
import { readConll } from '../eval';
import { Monitor } from '../monitoring';
import type { NativeNer } from '../ner';
import { checkExtractOptions, type ExtractOptions, type ModelOptions } from '../options';
import { compareProfiles, DEFAULT_THRESHOLDS, formatDriftReport } from './compare';
import { readBaseline, type Baseline } from './profile';
import { DEFAULT_CHUNK_TEXTS, profileTexts, readProfileTexts, toBaseline } from './profiling';
import { DEFAULT_WINDOW_MS, DriftWindow } from './window';

type LoadModel = (dir: string, options: ModelOptions) => Promise<NativeNer>;

function positiveInteger(value: string | boolean | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer, got '${value}'`);
  return n;
}

/**
 * The texts of a command line: --conll FILE's sentences (words joined by single spaces), then each FILE (text lines,
 * or JSON lines with --jsonl or a .jsonl/.jsonlines name; '-' is standard input); standard input when neither is
 * given. Files are checked before the model loads, so a wrong path fails at once.
 */
function inputsOf(line: CommandLine): { names: string[]; texts: AsyncIterable<string> } {
  const conll = line.flags.conll as string | undefined;
  const jsonl = line.flags.jsonl === true;
  const files = line.positionals;
  for (const file of files) {
    if (file === '-') continue;
    let isFile = false;
    try {
      isFile = statSync(file).isFile();
    } catch {
      isFile = false;
    }
    if (!isFile) throw new UsageError(`'${file}' is not a file (give files of texts, or none to read standard input)`);
  }
  const sentences = conll === undefined ? [] : readConll(conll).sentences.map((s) => s.text);
  const names = [...(conll === undefined ? [] : [conll]), ...files];
  const readStdin = conll === undefined && files.length === 0;
  async function* texts(): AsyncGenerator<string> {
    yield* sentences;
    const sources: (string | Readable)[] = readStdin ? [process.stdin] : files.map((f) => (f === '-' ? process.stdin : f));
    for (const source of sources) {
      const asJsonl = jsonl || (typeof source === 'string' && /\.jsonl(ines)?$/.test(source));
      yield* readProfileTexts(source, asJsonl);
    }
  }
  return { names: readStdin ? ['-'] : names, texts: texts() };
}

/** native-ner profile: the baseline of the inputs, as JSON on stdout; a summary on stderr. */
export async function runProfile(line: CommandLine, loadModel: LoadModel): Promise<void> {
  const chunkTexts = positiveInteger(line.flags['chunk-texts'], '--chunk-texts', DEFAULT_CHUNK_TEXTS);
  const { names, texts } = inputsOf(line);
  const options = line.options.extract;
  const ner = await loadModel(line.model, line.options.model);
  try {
    const run = await profileTexts(ner, texts, options, chunkTexts);
    const baseline = toBaseline(ner, run, names, options);
    process.stdout.write(JSON.stringify(baseline) + '\n');
    const { texts: n, entities } = run.profile;
    const mix = Object.entries(run.profile.labels)
      .map(([label, l]) => `${label} ${l.entities}`)
      .join(', ');
    console.error(`native-ner: profiled ${n} texts, ${entities} entities (${mix || 'none'}) in ${run.chunks.length} chunks of ${chunkTexts}`);
  } finally {
    await ner.dispose();
  }
}

/** The exit of a drift run that alerted: cli.ts prints the message and exits 1. */
export class DriftAlert extends Error {}

/**
 * native-ner drift: profiles the inputs with the baseline's extract options (flags given override them), prints the
 * comparison table (or --json), and throws DriftAlert when a signal alerts.
 */
export async function runDrift(line: CommandLine, loadModel: LoadModel): Promise<void> {
  const file = line.flags.baseline;
  if (typeof file !== 'string' || file === '') throw new UsageError('--baseline FILE is required (write one with native-ner profile)');
  const minCount = positiveInteger(line.flags['min-count'], '--min-count', DEFAULT_THRESHOLDS.minCount);
  const baseline = readBaseline(file);
  let recorded: ExtractOptions;
  try {
    recorded = checkExtractOptions(baseline.options);
  } catch (error) {
    throw new NerError('ERR_INVALID_ARGUMENT', `${file}: its options are not extract options: ${(error as Error).message}`);
  }
  const options: ExtractOptions = { ...recorded, ...line.options.extract };
  const { texts } = inputsOf(line);
  const ner = await loadModel(line.model, line.options.model);
  try {
    const types = ner.info.entityTypes.join(',');
    if (types !== baseline.model.entityTypes.join(',')) {
      console.error(
        `native-ner: warning: the baseline was made with a model of types ${baseline.model.entityTypes.join(', ')}; this one has ${ner.info.entityTypes.join(', ')}`,
      );
    }
    const run = await profileTexts(ner, texts, options, baseline.shares.chunkTexts || DEFAULT_CHUNK_TEXTS);
    const report = compareProfiles(baseline.profile, run.profile, { ...DEFAULT_THRESHOLDS, minCount });
    process.stdout.write((line.flags.json ? JSON.stringify(report, null, 2) : formatDriftReport(report)) + '\n');
    const alerted = report.signals.filter((s) => s.status === 'alert').map((s) => s.signal);
    if (alerted.length > 0) throw new DriftAlert(`drift alert against ${file}: ${alerted.join(', ')}`);
  } finally {
    await ner.dispose();
  }
}

/** serve --baseline FILE: the baseline, read before the model loads so a wrong file fails at once; null without it. */
export function readServeBaseline(line: CommandLine): Baseline | null {
  const file = line.flags.baseline;
  if (file === undefined) return null;
  if (typeof file !== 'string' || file === '') throw new UsageError('--baseline needs a FILE (write one with native-ner profile)');
  return readBaseline(file);
}

/**
 * The drift window serve exports over (--drift-minutes, --drift-min-count), counting into a Monitor of its own.
 * `log` gets one line saying what it compares, and a warning when the baseline was made with another model's types or
 * other extract options than the served model's defaults.
 */
export function serveDriftWindow(baseline: Baseline, ner: NativeNer, line: CommandLine, log: (line: string) => void): DriftWindow<Monitor> {
  const minutes = positiveInteger(line.flags['drift-minutes'], '--drift-minutes', DEFAULT_WINDOW_MS / 60_000);
  const minCount = positiveInteger(line.flags['drift-min-count'], '--drift-min-count', DEFAULT_THRESHOLDS.minCount);
  const window = new DriftWindow(baseline, new Monitor(), { windowMs: minutes * 60_000, minCount });
  const file = line.flags.baseline as string;
  if (ner.info.entityTypes.join(',') !== baseline.model.entityTypes.join(',')) {
    log(`native-ner: warning: the baseline ${file} was made with a model of types ${baseline.model.entityTypes.join(', ')}; this one has ${ner.info.entityTypes.join(', ')}`);
  }
  const served = line.options.extract as Record<string, unknown>;
  const differing = [...new Set([...Object.keys(baseline.options), ...Object.keys(served)])].filter(
    (key) => key !== 'rules' && JSON.stringify(baseline.options[key]) !== JSON.stringify(served[key]),
  );
  if (differing.length > 0) {
    log(`native-ner: warning: the baseline ${file} ran with other extract options (${differing.join(', ')}); drift then also measures that difference`);
  }
  log(`native-ner: drift against ${file} (${baseline.profile.texts} texts) over the last ${minutes} minutes, judged from ${minCount} observations; /metrics exports native_ner_drift_*`);
  return window;
}
