// The compiled binding and the ONNX Runtime library it loads. Nothing else in lib/ touches either directly.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NerError } from './errors';

/** Parameters of a model load, as the binding reads them. */
export interface NativeModelParams {
  directory: string;
  modelFile?: string;
  ortLibraryPath: string;
  intraOpThreads?: number;
  interOpThreads?: number;
  optimizeGraph?: boolean;
}

export interface NativeEncoding {
  ids: Int32Array;
  typeIds: Int32Array;
  starts: Uint32Array;
  ends: Uint32Array;
  special: Uint8Array;
  wordIds: Int32Array;
  tokens: string[];
}

/** Entities of many texts, flattened: text i owns entries offsets[i] .. offsets[i+1]. */
export interface NativeColumns {
  offsets: Uint32Array;
  textIndex: Uint32Array;
  starts: Uint32Array;
  ends: Uint32Array;
  /** Indices into the model's entity types, or into its tags (id2label) when labelsAreTags. */
  labels: Int32Array;
  scores: Float32Array;
  /** Token positions in the model input (aggregation 'none'); -1 otherwise. */
  tokens: Int32Array;
  labelsAreTags: boolean;
}

export interface NativeExtractOptions {
  aggregation?: string;
  decoding?: string;
  repair?: boolean;
  scheme?: string;
  labels?: string[];
  minScore?: number;
  spanMode?: string;
  spanThreshold?: number;
  batchSize?: number;
  batchTokens?: number;
  stride?: number;
  maxTextLength?: number;
}

export interface NativeModelInfo {
  labels: string[];
  types: string[];
  maxTokens: number;
  modelPath: string;
  ortVersion: string;
  ortLibraryPath: string;
  takesTokenTypeIds: boolean;
  head: 'token' | 'span';
  /** Span models only. */
  spanMaxWidth?: number;
  spanThreshold?: number;
}

export interface NativeModel {
  extract(texts: string[] | { utf8: Uint8Array; offsets: Uint32Array }, options?: NativeExtractOptions): Promise<NativeColumns>;
  tokenize(text: string, addSpecialTokens?: boolean): NativeEncoding;
  info(): NativeModelInfo;
  dispose(): void;
}

export interface NativeTokenizer {
  encode(text: string, addSpecialTokens?: boolean): NativeEncoding;
  idToToken(id: number): string;
  encodeMany(texts: string[]): number;
}

interface Binding {
  NativeModel: new (params: NativeModelParams) => NativeModel;
  NativeTokenizer: new (path: string) => NativeTokenizer;
  loadModel(params: NativeModelParams): Promise<NativeModel>;
}

const packageRoot = join(__dirname, '..');
let binding: Binding | undefined;

/** The addon: a prebuild from prebuilds/ or a local build from build/Release, found by node-gyp-build. */
export function getBinding(): Binding {
  if (!binding) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = require('node-gyp-build') as (dir: string) => Binding;
    try {
      binding = load(packageRoot);
    } catch (error) {
      throw new NerError(
        'ERR_RUNTIME_UNAVAILABLE',
        `the native-ner addon could not be loaded (${(error as Error).message}); ` +
          'run `npm run build:native` to build it from source',
      );
    }
  }
  return binding;
}

/**
 * The ONNX Runtime shared library: $NATIVE_NER_ORT_LIBRARY, else the one the pinned onnxruntime-node
 * package ships for this platform (bin/napi-v6/<platform>/<arch>/).
 */
export function defaultOrtLibraryPath(): string {
  const fromEnv = process.env.NATIVE_NER_ORT_LIBRARY;
  if (fromEnv) return fromEnv;
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('onnxruntime-node/package.json'));
  } catch {
    throw new NerError(
      'ERR_RUNTIME_UNAVAILABLE',
      'onnxruntime-node is not installed; run `npm install` or set NATIVE_NER_ORT_LIBRARY to libonnxruntime',
    );
  }
  const dir = join(packageDir, 'bin', 'napi-v6', process.platform, process.arch);
  const library = existsSync(dir)
    ? readdirSync(dir).find((f) => /^(lib)?onnxruntime(\.so\.\d+|\.\d+\.dylib|\.dll)$/.test(f))
    : undefined;
  if (!library) {
    throw new NerError(
      'ERR_RUNTIME_UNAVAILABLE',
      `onnxruntime-node ships no ONNX Runtime library for ${process.platform}-${process.arch} in ${dir}; ` +
        'set NATIVE_NER_ORT_LIBRARY to a libonnxruntime of version 1.21 or newer',
    );
  }
  return join(dir, library);
}
