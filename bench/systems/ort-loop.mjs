// The floor: onnxruntime-node alone over length-sorted batches of the native tokenizer's ids, padded to the
// longest text of each batch. Feeds are built before the clock starts, so a pass costs the model and nothing else.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadProject, modelDir, requireFromRepo } from '../lib/paths.mjs';

/** @typedef {typeof import('onnxruntime-node')} Ort */
/** @typedef {Record<string, import('onnxruntime-node').Tensor>} Feed */

export const BATCH_SIZE = 64;
export const INTRA_OP_THREADS = 2;

/** The npm name of each ONNX Runtime the harness compares (package.json: the dependency and the previous pin). */
const ORT_PACKAGES = { project: 'onnxruntime-node', previous: 'onnxruntime-node-1.29' };

/**
 * Version of the project's onnxruntime-node (the library native-ner loads on the CPU) or of the previous pin. Read
 * from package.json: loading both bindings in one process fails, as both are libonnxruntime.so.1.
 * @param {'project' | 'previous'} which
 */
export function ortVersion(which) {
  return /** @type {{ version: string }} */ (requireFromRepo(`${ORT_PACKAGES[which]}/package.json`)).version;
}

/**
 * The ONNX Runtime library file of that package for this platform, for native-ner's ortLibraryPath.
 * @param {'project' | 'previous'} which
 */
export function ortLibraryOf(which) {
  const dir = join(dirname(requireFromRepo.resolve(`${ORT_PACKAGES[which]}/package.json`)), 'bin', 'napi-v6', process.platform, process.arch);
  const file = readdirSync(dir).find((f) => /^(lib)?onnxruntime(\.so\.\d+|\.\d+\.dylib|\.dll)$/.test(f));
  if (!file) throw new Error(`no ONNX Runtime library in ${dir}`);
  return join(dir, file);
}

/**
 * @param {import('../lib/types.js').SystemSpec} spec
 * @param {string[]} texts
 * @returns {Promise<import('../lib/measure.mjs').Subject>}
 */
export async function openOrtLoop(spec, texts) {
  const which = spec.ortPackage ?? 'project';
  const ort = /** @type {Ort} */ (requireFromRepo(ORT_PACKAGES[which]));
  const version = ortVersion(which);
  const { Tokenizer } = loadProject();
  const tokenizer = Tokenizer.fromFile(join(modelDir, 'tokenizer.json'));
  const ids = texts.map((text) => tokenizer.encode(text).ids);
  const session = await ort.InferenceSession.create(join(modelDir, spec.modelFile ?? 'model.onnx'), {
    intraOpNumThreads: INTRA_OP_THREADS,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const takesTypeIds = session.inputNames.includes('token_type_ids');

  /** One padded feed for the texts `batch` (BERT's pad id and type id are 0, which the arrays start as). */
  const feedOf = (/** @type {number[]} */ batch) => {
    const width = Math.max(...batch.map((i) => ids[i].length));
    const size = batch.length * width;
    const inputIds = new BigInt64Array(size);
    const mask = new BigInt64Array(size);
    batch.forEach((textIndex, row) => {
      const textIds = ids[textIndex];
      for (let col = 0; col < textIds.length; col++) {
        inputIds[row * width + col] = BigInt(textIds[col]);
        mask[row * width + col] = 1n;
      }
    });
    const dims = [batch.length, width];
    /** @type {Feed} */
    const feed = { input_ids: new ort.Tensor('int64', inputIds, dims), attention_mask: new ort.Tensor('int64', mask, dims) };
    if (takesTypeIds) feed.token_type_ids = new ort.Tensor('int64', new BigInt64Array(size), dims);
    return feed;
  };
  const batchesOf = (/** @type {number[]} */ indices) => {
    const sorted = [...indices].sort((a, b) => ids[a].length - ids[b].length);
    const feeds = [];
    for (let from = 0; from < sorted.length; from += BATCH_SIZE) feeds.push(feedOf(sorted.slice(from, from + BATCH_SIZE)));
    return feeds;
  };

  /** @type {{ indices: number[]; feeds: Feed[] } | undefined} */
  let prepared;
  /** @type {Map<number, Feed>} */
  const singles = new Map();
  return {
    prepare({ all, latency }) {
      prepared = { indices: all, feeds: batchesOf(all) };
      for (const index of latency) singles.set(index, feedOf([index]));
    },
    async runAll(indices) {
      const feeds = indices === prepared?.indices ? prepared.feeds : batchesOf(indices);
      for (const feed of feeds) await session.run(feed);
      return null;
    },
    runOne: (index) => session.run(singles.get(index) ?? feedOf([index])),
    notes: [
      `onnxruntime-node ${version}, ${INTRA_OP_THREADS} intra-op threads, batches of ${BATCH_SIZE} sorted by length; ` +
        'produces logits only (no entities)',
    ],
  };
}
