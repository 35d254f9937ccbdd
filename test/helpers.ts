// Paths into ../shared (or $NATIVE_NER_SHARED) and readers for its reference files.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

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
