// Reader for nested NER in JSON lines (the GENIA release used here): each line has `tokens` and
// `entity_mentions` [{start, end, entity_type}] with word indices, end exclusive. Mentions may nest.
import { readFileSync } from 'node:fs';
import { NerError } from '../errors';
import { toSentence, type Dataset, type Sentence, type WordSpan } from './dataset';

interface MentionLine {
  tokens: string[];
  entity_mentions: { start: number; end: number; entity_type: string }[];
}

function checkLine(value: unknown, where: string): MentionLine {
  const line = value as Partial<MentionLine> | null;
  if (!line || !Array.isArray(line.tokens) || !line.tokens.every((t) => typeof t === 'string')) {
    throw new NerError('ERR_INVALID_ARGUMENT', `${where}: expected "tokens", an array of strings`);
  }
  if (!Array.isArray(line.entity_mentions)) {
    throw new NerError('ERR_INVALID_ARGUMENT', `${where}: expected "entity_mentions", an array`);
  }
  for (const m of line.entity_mentions) {
    const ok =
      Number.isInteger(m?.start) && Number.isInteger(m?.end) && 0 <= m.start && m.start < m.end &&
      m.end <= line.tokens.length && typeof m.entity_type === 'string';
    if (!ok) {
      throw new NerError('ERR_INVALID_ARGUMENT', `${where}: bad mention ${JSON.stringify(m)} (end is exclusive)`);
    }
  }
  return line as MentionLine;
}

/** Sentences of JSON-lines text; `source` names it in error messages. */
export function parseGenia(content: string, source = 'input'): Sentence[] {
  const sentences: Sentence[] = [];
  const lines = content.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    if (lines[n].trim() === '') continue;
    const where = `${source}:${n + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(lines[n]);
    } catch (error) {
      throw new NerError('ERR_INVALID_ARGUMENT', `${where}: ${(error as Error).message}`);
    }
    const line = checkLine(parsed, where);
    const spans: WordSpan[] = line.entity_mentions.map((m) => ({ start: m.start, end: m.end, label: m.entity_type }));
    sentences.push(toSentence(line.tokens, spans));
  }
  return sentences;
}

/** Reads a nested-NER JSON-lines file (e.g. GENIA test.jsonlines). */
export function readGenia(path: string): Dataset {
  return { source: path, nested: true, sentences: parseGenia(readFileSync(path, 'utf8'), path) };
}
