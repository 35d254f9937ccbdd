// Paths into ../shared (or $NATIVE_NER_SHARED) and readers for its reference files; a model per suite (useModel);
// the CLI in a child process (runCli, startServe).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { NativeNer, NerError, type ModelOptions } from '../lib';

export const SHARED = resolve(process.env.NATIVE_NER_SHARED ?? join(__dirname, '..', '..', 'shared'));
export const CONLL_MODEL = join(SHARED, 'models', 'conll03-bert-small');
export const REFERENCE = join(SHARED, 'reference');
export const ROBERTA_MODEL = join(SHARED, 'models', 'conll03-roberta-tiny');
export const XLMR_MODEL = join(SHARED, 'models', 'conll03-xlmr-tiny');

/** The models with reference pipeline outputs: each model directory and its reference files' directory. */
export const PARITY_MODELS = [
  { name: 'BERT WordPiece', model: CONLL_MODEL, reference: REFERENCE },
  { name: 'RoBERTa byte-level BPE', model: ROBERTA_MODEL, reference: join(REFERENCE, 'roberta') },
  { name: 'XLM-R SentencePiece Unigram', model: XLMR_MODEL, reference: join(REFERENCE, 'xlmr') },
];

export function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as T);
}

export interface ReferenceEntity {
  label: string;
  start_u16: number;
  end_u16: number;
  score: number;
  text: string;
  index?: number;
}

export interface PipelineLine {
  source: string;
  index: number;
  text: string;
  entities: ReferenceEntity[];
}

export interface TokenizerLine {
  source: string;
  index: number;
  text: string;
  ids: number[];
  tokens: string[];
  offsets_u16: [number, number][];
}

const MODEL_FILES = ['model.onnx', 'tokenizer.json', 'config.json', 'tokenizer_config.json'];

/** A model directory `scratch/name` of links to `model`'s files, some replaced (content) or left out (null). */
export function linkedModelDir(
  scratch: string,
  name: string,
  model: string,
  replace: Record<string, string | Buffer | null> = {},
): string {
  const dir = join(scratch, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const file of MODEL_FILES) {
    if (!(file in replace)) symlinkSync(join(model, file), join(dir, file));
    else if (replace[file] !== null) writeFileSync(join(dir, file), replace[file] as string | Buffer);
  }
  return dir;
}

/** The NerError that loading `dir` fails with (the test fails if it loads). */
export async function loadError(dir: string): Promise<NerError> {
  const error = await NativeNer.load(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NerError);
  return error as NerError;
}

/**
 * Loads `dir` once for the enclosing describe (or file): beforeAll loads it, afterAll disposes it. Returns a getter
 * for the model, to call inside tests and later hooks (hooks registered after this one run after the load).
 */
export function useModel(dir: string, options?: ModelOptions): () => NativeNer {
  let ner: NativeNer | undefined;
  beforeAll(async () => {
    ner = await NativeNer.load(dir, options);
  });
  afterAll(async () => {
    await ner?.dispose();
  });
  return () => {
    if (!ner) throw new Error(`the model ${dir} is not loaded: use it in a test or a hook after useModel's`);
    return ner;
  };
}

/** The compiled CLI (npm test builds it first). */
export const CLI = join(__dirname, '..', 'dist', 'cli.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `native-ner ARGS` to completion in a child process, with `input` on its standard input. */
export function runCli(args: string[], options: { input?: string; maxBuffer?: number } = {}): CliRun {
  const { status, stdout, stderr } = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    input: options.input,
    maxBuffer: options.maxBuffer ?? 64 << 20,
  });
  return { status, stdout, stderr };
}

export interface ServeProcess {
  child: ChildProcess;
  /** The address it printed once listening. */
  url: string;
  /** Resolves with the exit code once it exits. */
  exited: Promise<number | null>;
}

/**
 * Starts `native-ner serve ARGS` in a child process and resolves once it is listening; rejects, with its stderr,
 * if it exits first. The caller stops it (child.kill).
 */
export async function startServe(args: string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args]);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const match = /serving .* on (http:\/\/\S+)\s/.exec(stderr);
      if (match) resolve(match[1]);
    });
    void exited.then(() => reject(new Error(`serve exited early: ${stderr}`)));
  });
  return { child, url, exited };
}
