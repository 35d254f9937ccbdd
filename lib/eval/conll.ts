// CoNLL-format reader: one word per line with its tag in the last column, blank lines between sentences,
// `-DOCSTART-` lines between documents. Tags may be IOB1 (the original CoNLL-2003 files), IOB2 or BIOES.
import { readFileSync } from 'node:fs';
import { NerError } from '../errors';
import { toSentence, type Dataset, type Sentence, type WordSpan } from './dataset';

const TAG = /^([BIESLU])-(.+)$/;

export function isEntityTag(tag: string): boolean {
  return tag === 'O' || TAG.test(tag);
}

/**
 * Entity spans of one sentence's tags, in word indices (end exclusive).
 *
 * One decoder serves every scheme, as conlleval does: a tag starts an entity unless it is an inside tag (I-, E-,
 * L-) of the type already open, so `I-X` after `O` or after another type starts one (IOB1, and lenient IOB2),
 * and `B-X` only matters between two entities of the same type. E-/L-/S-/U- (BIOES, BILOU) close the entity
 * on their word.
 */
export function tagsToSpans(tags: readonly string[]): WordSpan[] {
  const spans: WordSpan[] = [];
  let openStart = -1;
  let openLabel = '';
  for (let i = 0; i <= tags.length; i++) {
    const tag = i < tags.length ? tags[i] : 'O';
    if (tag === 'O') {
      if (openStart >= 0) spans.push({ start: openStart, end: i, label: openLabel });
      openStart = -1;
      continue;
    }
    const match = TAG.exec(tag);
    if (!match) throw new NerError('ERR_INVALID_ARGUMENT', `'${tag}' is not an entity tag (word ${i})`);
    const [, prefix, label] = match;
    const inside = prefix === 'I' || prefix === 'E' || prefix === 'L';
    if (!(inside && openStart >= 0 && openLabel === label)) {
      if (openStart >= 0) spans.push({ start: openStart, end: i, label: openLabel });
      openStart = i;
      openLabel = label;
    }
    if (prefix === 'E' || prefix === 'L' || prefix === 'S' || prefix === 'U') {
      spans.push({ start: openStart, end: i + 1, label: openLabel });
      openStart = -1;
    }
  }
  return spans;
}

/** Sentences of CoNLL-format text; `source` names it in error messages. */
export function parseConll(content: string, source = 'input'): Sentence[] {
  const sentences: Sentence[] = [];
  let words: string[] = [];
  let tags: string[] = [];
  const endSentence = () => {
    if (words.length > 0) sentences.push(toSentence(words, tagsToSpans(tags)));
    words = [];
    tags = [];
  };
  const lines = content.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const fields = lines[n].trim().split(/\s+/);
    if (fields[0] === '') {
      endSentence();
      continue;
    }
    // A document marker is not a word, and it also ends a sentence that lacks its blank line.
    if (fields[0] === '-DOCSTART-') {
      endSentence();
      continue;
    }
    const tag = fields[fields.length - 1];
    if (fields.length < 2 || !isEntityTag(tag)) {
      throw new NerError('ERR_INVALID_ARGUMENT', `${source}:${n + 1}: expected 'word ... TAG', got '${lines[n]}'`);
    }
    words.push(fields[0]);
    tags.push(tag);
  }
  endSentence();
  return sentences;
}

/** Reads a CoNLL file (e.g. CoNLL-2003 eng.testb, IOB1 or IOB2). */
export function readConll(path: string): Dataset {
  return { source: path, nested: false, sentences: parseConll(readFileSync(path, 'utf8'), path) };
}
