// Paths into ../shared (or $NATIVE_NER_SHARED) and readers for its reference files.
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { NativeNer, NerError } from '../lib';

export const SHARED = resolve(process.env.NATIVE_NER_SHARED ?? join(__dirname, '..', '..', 'shared'));
export const CONLL_MODEL = join(SHARED, 'models', 'conll03-bert-small');
export const REFERENCE = join(SHARED, 'reference');

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
