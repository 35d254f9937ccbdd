// The sentence splitter on its own: the native segmentation stage (native/core/segmentation) that extract's
// `segment: 'sentences'` runs before the model, exposed with its offsets. No model is needed.
import { callNative } from './errors';
import { getBinding } from './native';
import { checkSentenceOptions, type SentenceOptions } from './options';

export type { SentenceOptions } from './options';

/** One sentence: `text === input.slice(start, end)`, offsets in UTF-16 code units. */
export interface Sentence {
  start: number;
  end: number;
  text: string;
}

/**
 * The sentences of `text`, in order, trimmed of surrounding whitespace; together they hold every non-whitespace
 * character once (a text of whitespace only has none). Rules, not a model: terminators (. ! ? … and CJK 。！？)
 * with their closing quotes and brackets, except after abbreviations, titles, initials, numbers and before a
 * lowercase word; line breaks as `options.lineBreaks` says (default 'paragraph': an empty line ends a sentence).
 * docs/api.md#segmentation has the rules. Wrong types are TypeErrors, an unknown option or value an
 * ERR_INVALID_ARGUMENT NerError.
 */
export function sentences(text: string, options?: SentenceOptions): Sentence[] {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  const checked = checkSentenceOptions(options);
  const binding = getBinding();
  const bounds = callNative(() => binding.sentences(text, checked));
  const out: Sentence[] = new Array(bounds.length / 2);
  for (let k = 0; k < out.length; k++) {
    const start = bounds[2 * k];
    const end = bounds[2 * k + 1];
    out[k] = { start, end, text: text.slice(start, end) };
  }
  return out;
}
