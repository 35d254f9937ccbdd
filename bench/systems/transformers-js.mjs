// transformers.js: its token-classification pipeline on the same ONNX files, from a local model directory, offline.
//
// Its pipeline (4.3.1) offers aggregation 'none' and 'simple' only and returns token indices, not character
// offsets. So it runs with 'none' (each token's argmax tag), and each word takes its first subword's tag, the
// reference pipeline's 'first' strategy, the best one that output allows; words and their offsets come from
// the native tokenizer, whose ids are checked to equal transformers.js's for every text.
import { mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, loadEval, loadProject, modelDir } from '../lib/paths.mjs';

/** @typedef {import('../lib/types.js').BatchTrial} BatchTrial */
/** @typedef {{ entity: string; index: number }} TokenTag */
/** @typedef {(texts: string | string[]) => Promise<TokenTag[] | TokenTag[][]>} Classify */

export const HF_MODEL_ROOT = join(cacheDir, 'hf-models');
export const HF_MODEL_NAME = 'conll03-bert-small';
const BATCH_SIZES = [8, 32, 64];
/** @type {BatchTrial['order'][]} */
const ORDERS = ['input', 'length-sorted'];

/** Links `target` at `path` unless that link is already there. */
function link(/** @type {string} */ target, /** @type {string} */ path) {
  try {
    if (readlinkSync(path) === target) return;
  } catch {
    // missing, or not a link: replaced below
  }
  rmSync(path, { force: true });
  symlinkSync(target, path);
}

/**
 * The layout transformers.js loads from: <root>/<name>/{config,tokenizer}.json and onnx/model.onnx (fp32),
 * onnx/model_quantized.onnx (its 'q8' dtype), as links to the shared model.
 */
export function ensureHfModelLayout() {
  const dir = join(HF_MODEL_ROOT, HF_MODEL_NAME);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
    link(join(modelDir, file), join(dir, file));
  }
  link(join(modelDir, 'model.onnx'), join(dir, 'onnx', 'model.onnx'));
  link(join(modelDir, 'model_int8.onnx'), join(dir, 'onnx', 'model_quantized.onnx'));
}

/**
 * Where each word of a text lies, from the native tokenizer: the word each token starts (or -1), and each
 * word's character span.
 * @param {import('../../dist/index.js').TokenizedText} encoding
 */
function wordLayout({ wordIds, starts, ends }) {
  const startsWord = new Int32Array(wordIds.length).fill(-1);
  /** @type {number[]} */
  const wordStart = [];
  /** @type {number[]} */
  const wordEnd = [];
  for (let t = 0; t < wordIds.length; t++) {
    const word = wordIds[t];
    if (word < 0) continue;
    if (t === 0 || wordIds[t - 1] !== word) {
      startsWord[t] = word;
      wordStart[word] = starts[t];
    }
    wordEnd[word] = ends[t];
  }
  return { startsWord, wordStart, wordEnd, words: wordEnd.length };
}

/**
 * @param {import('../lib/types.js').SystemSpec} spec
 * @param {string[]} texts
 * @returns {Promise<import('../lib/measure.mjs').Subject>}
 */
export async function openTransformers(spec, texts) {
  const { env, pipeline } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = spec.hfModelRoot ?? HF_MODEL_ROOT;
  const pipe = await pipeline('token-classification', spec.hfModelName ?? HF_MODEL_NAME, {
    dtype: spec.dtype ?? 'fp32',
    device: 'cpu',
  });
  const classify = /** @type {Classify} */ (/** @type {unknown} */ (pipe));

  const { tagsToSpans } = loadEval();
  const { Tokenizer } = loadProject();
  const nativeTokenizer = Tokenizer.fromFile(join(modelDir, 'tokenizer.json'));
  let idsDiffer = 0;
  const layouts = texts.map((text) => {
    const encoding = nativeTokenizer.encode(text);
    const theirs = /** @type {bigint[][]} */ (pipe.tokenizer(text).input_ids.tolist())[0];
    if (theirs.length !== encoding.ids.length || theirs.some((id, t) => Number(id) !== encoding.ids[t])) idsDiffer++;
    return wordLayout(encoding);
  });
  if (idsDiffer > 0) {
    throw new Error(`transformers.js tokenizes ${idsDiffer} of ${texts.length} texts differently from native-ner; offsets would be wrong`);
  }

  /** Entities of one text from the pipeline's token tags: each word tagged as its first subword. */
  const toSpans = (/** @type {TokenTag[]} */ tokens, /** @type {number} */ textIndex) => {
    const { startsWord, wordStart, wordEnd, words } = layouts[textIndex];
    const tags = new Array(words).fill('O');
    for (const { entity, index } of tokens) {
      const word = startsWord[index];
      if (word >= 0) tags[word] = entity;
    }
    return tagsToSpans(tags).map(({ start, end, label }) => ({ start: wordStart[start], end: wordEnd[end - 1], label }));
  };

  let { batchSize, order } = spec.batchSetting ?? { batchSize: 32, order: /** @type {BatchTrial['order']} */ ('length-sorted') };
  /** @param {number[]} indices */
  const runAll = async (indices) => {
    // Positions into `indices`, in the order batches are formed; results go back to input order.
    const positions = indices.map((_, k) => k);
    if (order === 'length-sorted') positions.sort((a, b) => texts[indices[a]].length - texts[indices[b]].length);
    /** @type {ReturnType<typeof toSpans>[]} */
    const out = new Array(indices.length);
    for (let from = 0; from < positions.length; from += batchSize) {
      const batch = positions.slice(from, from + batchSize);
      const results = /** @type {TokenTag[][]} */ (await classify(batch.map((k) => texts[indices[k]])));
      batch.forEach((k, j) => {
        out[k] = toSpans(results[j], indices[k]);
      });
    }
    return out;
  };

  /** @type {NonNullable<import('../lib/measure.mjs').Subject['tune']>} */
  const tune = async (indices, progress) => {
    /** @type {BatchTrial[]} */
    const trials = [];
    for (const candidateOrder of ORDERS) {
      for (const candidateSize of BATCH_SIZES) {
        progress(trials.length / (ORDERS.length * BATCH_SIZES.length), `batch ${candidateSize}, ${candidateOrder} order`);
        order = candidateOrder;
        batchSize = candidateSize;
        const start = performance.now();
        await runAll(indices);
        trials.push({ batchSize, order, sentences: indices.length, seconds: (performance.now() - start) / 1000 });
      }
    }
    const best = trials.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    ({ batchSize, order } = best);
    return { trials, chosen: { batchSize, order } };
  };

  return {
    runAll,
    runOne: async (index) => toSpans(/** @type {TokenTag[]} */ (await classify(texts[index])), index),
    // Later rounds reuse the first round's choice.
    ...(spec.batchSetting ? {} : { tune }),
    notes: [
      `@huggingface/transformers ${env.version}, dtype ${spec.dtype}, pipeline aggregation 'none' + first-subword ` +
        'word tags (its pipeline has no average/first strategy and no offsets); ONNX Runtime session options: its defaults',
      `token ids equal native-ner's for all ${texts.length} texts`,
    ],
  };
}
