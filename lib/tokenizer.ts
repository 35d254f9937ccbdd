// The C++ tokenizer on its own: load a Hugging Face tokenizer.json (WordPiece, byte-level BPE or SentencePiece
// Unigram) and tokenize with offsets, exactly as the `tokenizers` library does with that file.
import { callNative } from './errors';
import { getBinding, type NativeEncoding, type NativeTokenizer } from './native';

export interface TokenizedText {
  ids: Int32Array;
  tokens: string[];
  /** UTF-16 offset of each token's first character; 0 for the tokens the template adds ([CLS]/[SEP], <s>/</s>). */
  starts: Uint32Array;
  /** UTF-16 offset one past each token's last character; 0 for the tokens the template adds. */
  ends: Uint32Array;
  /**
   * 1 for the tokens the template adds ([CLS], [SEP]; <s>, </s>). A special token written in the text, such as
   * "[SEP]", gets its id but 0 here and a word of its own, as in Hugging Face tokenizers.
   */
  specialTokensMask: Uint8Array;
  /** Index of the word (pre-tokenizer piece) each token belongs to; -1 for template tokens. */
  wordIds: Int32Array;
  typeIds: Int32Array;
}

export function toTokenizedText(e: NativeEncoding): TokenizedText {
  return {
    ids: e.ids,
    tokens: e.tokens,
    starts: e.starts,
    ends: e.ends,
    specialTokensMask: e.special,
    wordIds: e.wordIds,
    typeIds: e.typeIds,
  };
}

export class Tokenizer {
  private readonly native: NativeTokenizer;

  private constructor(native: NativeTokenizer) {
    this.native = native;
  }

  /**
   * Loads a Hugging Face tokenizer.json: WordPiece, BPE (byte-level as RoBERTa's) or Unigram (SentencePiece, as
   * XLM-R's). Throws NerError ERR_MODEL_NOT_FOUND, or ERR_INVALID_MODEL for a malformed file or one with a stage
   * native-ner does not implement (the message names it, e.g. `pre_tokenizer "Digits"`). This is the file alone; a
   * model's `tokenize` follows transformers, which rebuilds some tokenizer classes' stages (XLM-R's offsets differ).
   */
  static fromFile(path: string): Tokenizer {
    if (typeof path !== 'string') throw new TypeError('path must be a string');
    const binding = getBinding();
    return new Tokenizer(callNative(() => new binding.NativeTokenizer(path)));
  }

  encode(text: string, options?: { addSpecialTokens?: boolean }): TokenizedText {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    return toTokenizedText(this.native.encode(text, options?.addSpecialTokens ?? true));
  }

  /** Tokenizes every text without building results; returns the token count. For speed measurements. */
  countTokens(texts: string[]): number {
    if (!Array.isArray(texts)) throw new TypeError('texts must be an array of strings');
    return this.native.encodeMany(texts);
  }
}
