import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NativeNer, Tokenizer } from '../lib';
import { CONLL_MODEL, readJsonl, REFERENCE, SHARED, type TokenizerLine } from './helpers';

// Compares every reference line; returns a description of each mismatch (empty when all match).
function mismatches(tokenizer: Tokenizer, lines: TokenizerLine[]): string[] {
  const problems: string[] = [];
  for (const line of lines) {
    const got = tokenizer.encode(line.text);
    const ids = Array.from(got.ids);
    const offsets = ids.map((_, i) => [got.starts[i], got.ends[i]]);
    const idsMatch = JSON.stringify(ids) === JSON.stringify(line.ids);
    const offsetsMatch = JSON.stringify(offsets) === JSON.stringify(line.offsets_u16);
    if (!idsMatch || !offsetsMatch) {
      problems.push(
        `${line.source}#${line.index} ${JSON.stringify(line.text.slice(0, 80))}: ` +
          (idsMatch ? '' : `ids ${JSON.stringify(ids)} != ${JSON.stringify(line.ids)} `) +
          (offsetsMatch ? '' : `offsets ${JSON.stringify(offsets)} != ${JSON.stringify(line.offsets_u16)}`),
      );
    }
  }
  return problems;
}

describe('C++ tokenizers (WordPiece, byte-level BPE, Unigram) match Hugging Face tokenizers', () => {
  it('gives the reference ids and UTF-16 offsets for all 3,501 texts (cased)', () => {
    const lines = readJsonl<TokenizerLine>(join(REFERENCE, 'tokenizer.jsonl'));
    expect(lines).toHaveLength(3501);
    const tokenizer = Tokenizer.fromFile(join(CONLL_MODEL, 'tokenizer.json'));
    expect(mismatches(tokenizer, lines).slice(0, 5)).toEqual([]);
  });

  it('gives the reference ids and UTF-16 offsets for all 3,501 texts (uncased, accents stripped)', () => {
    const lines = readJsonl<TokenizerLine>(join(REFERENCE, 'tokenizer-uncased.jsonl'));
    expect(lines).toHaveLength(3501);
    const tokenizer = Tokenizer.fromFile(join(SHARED, 'tokenizers', 'bert-uncased', 'tokenizer.json'));
    expect(mismatches(tokenizer, lines).slice(0, 5)).toEqual([]);
  });

  it('gives the reference ids, tokens and UTF-16 offsets for all 3,501 texts (RoBERTa byte-level BPE)', () => {
    const lines = readJsonl<TokenizerLine>(join(REFERENCE, 'roberta', 'tokenizer.jsonl'));
    expect(lines).toHaveLength(3501);
    for (const file of [join(SHARED, 'tokenizers', 'roberta-bpe', 'tokenizer.json'), join(SHARED, 'models', 'conll03-roberta-tiny', 'tokenizer.json')]) {
      const tokenizer = Tokenizer.fromFile(file);
      expect(mismatches(tokenizer, lines).slice(0, 5)).toEqual([]);
      expect(lines.slice(0, 50).filter((line) => JSON.stringify(tokenizer.encode(line.text).tokens) !== JSON.stringify(line.tokens))).toEqual([]);
    }
  });

  it('gives the reference ids, tokens and UTF-16 offsets for all 3,501 texts (XLM-R SentencePiece Unigram)', () => {
    const lines = readJsonl<TokenizerLine>(join(REFERENCE, 'xlmr', 'tokenizer.jsonl'));
    expect(lines).toHaveLength(3501);
    const tokenizer = Tokenizer.fromFile(join(SHARED, 'tokenizers', 'xlmr-unigram', 'tokenizer.json'));
    expect(mismatches(tokenizer, lines).slice(0, 5)).toEqual([]);
    // HF names an unknown token by the text it covers ("é"), native-ner by the vocabulary ("<unk>"): ids only there.
    const unk = 3; // the file's model.unk_id ("<unk>")
    const named = (line: TokenizerLine) => line.tokens.map((t, i) => (line.ids[i] === unk ? '<unk>' : t));
    expect(lines.slice(0, 50).filter((line) => JSON.stringify(tokenizer.encode(line.text).tokens) !== JSON.stringify(named(line)))).toEqual([]);
  });

  it('never fails on hostile input with the BPE and Unigram tokenizers', () => {
    for (const name of ['roberta-bpe', 'xlmr-unigram']) {
      const tokenizer = Tokenizer.fromFile(join(SHARED, 'tokenizers', name, 'tokenizer.json'));
      for (const text of ['\ud800 lone \udfff', '\u0000\u0000', '<s> </s> <mask>', ' '.repeat(10_000), '😀'.repeat(500), "'LL 'S ﬁ e\u0301"]) {
        const t = tokenizer.encode(text);
        expect(t.ids.length).toBeGreaterThanOrEqual(2);
        for (let i = 0; i < t.ids.length; i++) {
          expect(t.starts[i]).toBeLessThanOrEqual(t.ends[i]);
          expect(t.ends[i]).toBeLessThanOrEqual(text.length);
        }
      }
    }
  });

  it('exposes tokens and the special-tokens mask through the model', () => {
    const ner = new NativeNer(CONLL_MODEL);
    const t = ner.tokenize('Angela Merkel met Emmanuel Macron.');
    expect(t.tokens).toEqual(['[CLS]', 'Angela', 'Me', '##rk', '##el', 'met', 'Emmanuel', 'Mac', '##ron', '.', '[SEP]']);
    expect(Array.from(t.specialTokensMask)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(t.wordIds)).toEqual([-1, 0, 1, 1, 1, 2, 3, 4, 4, 5, -1]);
    const bare = ner.tokenize('Paris', { addSpecialTokens: false });
    expect(bare.tokens).toEqual(['Paris']);
    void ner.dispose();
  });

  it('matches a special token written in the text to its id, as a word of its own and not masked', () => {
    const tokenizer = Tokenizer.fromFile(join(CONLL_MODEL, 'tokenizer.json'));
    const t = tokenizer.encode('Paris[SEP]Rome');
    expect(t.tokens).toEqual(['[CLS]', 'Paris', '[SEP]', 'Rome', '[SEP]']);
    expect(t.ids[2]).toBe(102);
    expect(Array.from(t.specialTokensMask)).toEqual([1, 0, 0, 0, 1]);
    expect(Array.from(t.wordIds)).toEqual([-1, 0, 1, 2, -1]);
    expect([t.starts[2], t.ends[2]]).toEqual([5, 10]);
  });

  it('never fails on hostile input: lone surrogates, NULs, special-token text, very long words', () => {
    const tokenizer = Tokenizer.fromFile(join(CONLL_MODEL, 'tokenizer.json'));
    const hostile = ['\ud800 lone \udfff', '\u0000\u0000', '[CLS] [SEP] [MASK]', 'x'.repeat(10_000), '😀'.repeat(500)];
    for (const text of hostile) {
      const t = tokenizer.encode(text);
      expect(t.ids.length).toBeGreaterThanOrEqual(2);
      for (let i = 0; i < t.ids.length; i++) {
        expect(t.starts[i]).toBeLessThanOrEqual(t.ends[i]);
        expect(t.ends[i]).toBeLessThanOrEqual(text.length);
      }
    }
    // A word over max_input_chars_per_word (100) is one [UNK] spanning the word.
    const long = tokenizer.encode('a'.repeat(101), { addSpecialTokens: false });
    expect(long.tokens).toEqual(['[UNK]']);
    expect([long.starts[0], long.ends[0]]).toEqual([0, 101]);
  });
});
