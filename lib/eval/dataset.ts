// Labelled datasets as the evaluator sees them: sentences as plain text, gold entities as character spans.

/** A typed span of a text: [start, end) in JavaScript string indices (UTF-16 code units). */
export interface Span {
  start: number;
  end: number;
  label: string;
}

export interface Sentence {
  /** The words joined by single spaces: the text the model is given. */
  text: string;
  words: string[];
  /** Gold entities, in file order, as spans of `text`. */
  entities: Span[];
}

export interface Dataset {
  /** Where the sentences came from (a file path), for reports. */
  source: string;
  /** Entities may contain one another (GENIA); the evaluator then also scores the inner and outer ones. */
  nested: boolean;
  sentences: Sentence[];
}

export interface DatasetStats {
  sentences: number;
  words: number;
  entities: number;
  /** Gold entities per type, types in alphabetical order. */
  byType: Record<string, number>;
}

/** A span in word indices, end exclusive, as datasets write them. */
export interface WordSpan {
  start: number;
  end: number;
  label: string;
}

/**
 * Builds the sentence text and turns word spans into character spans. Words are joined by single spaces, the
 * convention of the reference figures, so character spans line up with what a model sees.
 */
export function toSentence(words: string[], wordSpans: readonly WordSpan[]): Sentence {
  const starts: number[] = new Array(words.length);
  let offset = 0;
  for (let i = 0; i < words.length; i++) {
    starts[i] = offset;
    offset += words[i].length + 1;
  }
  const entities = wordSpans.map(({ start, end, label }) => ({
    start: starts[start],
    end: starts[end - 1] + words[end - 1].length,
    label,
  }));
  return { text: words.join(' '), words, entities };
}

export function datasetStats(dataset: Dataset): DatasetStats {
  const counts = new Map<string, number>();
  let words = 0;
  for (const sentence of dataset.sentences) {
    words += sentence.words.length;
    for (const { label } of sentence.entities) counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const byType = Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const entities = [...counts.values()].reduce((sum, n) => sum + n, 0);
  return { sentences: dataset.sentences.length, words, entities, byType };
}
