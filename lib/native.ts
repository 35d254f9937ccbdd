// The compiled binding and the ONNX Runtime library it loads. Nothing else in lib/ touches either directly.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { NerError } from './errors';
import type { ExtractOptions, LoadOptions } from './options';

/**
 * Parameters of a model load, as the binding reads them: the checked load options (lib/options.ts; the binding
 * asserts their types only), the model directory and the ONNX Runtime library.
 */
export interface NativeModelParams extends LoadOptions {
  directory: string;
  ortLibraryPath: string;
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

/** Extract options as the binding reads them: checked by lib/options.ts, whose ranges the binding trusts. */
export type NativeExtractOptions = ExtractOptions;

export interface NativeModelInfo {
  labels: string[];
  types: string[];
  maxTokens: number;
  modelPath: string;
  ortVersion: string;
  ortLibraryPath: string;
  takesTokenTypeIds: boolean;
  device: string;
  deviceNote: string;
  head: 'token' | 'span';
  warnings: string[];
  /** Span models only. */
  spanMaxWidth?: number;
  spanThreshold?: number;
}

/** The engine's counters since load or resetStats(). */
export interface NativeStats {
  calls: number;
  texts: number;
  windows: number;
  batches: number;
  tokens: number;
  paddedTokens: number;
  tokenizeSeconds: number;
  inferenceSeconds: number;
  decodeSeconds: number;
  waitSeconds: number;
}

export interface NativeModel {
  extract(texts: string[] | { utf8: Uint8Array; offsets: Uint32Array }, options?: NativeExtractOptions): Promise<NativeColumns>;
  tokenize(text: string, addSpecialTokens?: boolean): NativeEncoding;
  info(): NativeModelInfo;
  stats(): NativeStats;
  resetStats(): void;
  /** abortRunning: also fail the calls already running (their windows not yet run are dropped). */
  dispose(abortRunning?: boolean): void;
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

/**
 * The addon: a prebuild from prebuilds/ or a local build from build/Release, found by node-gyp-build; or the
 * .node file $NATIVE_NER_ADDON names (the sanitizer test run loads its instrumented build that way).
 */
export function getBinding(): Binding {
  if (!binding) {
    const override = process.env.NATIVE_NER_ADDON;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = override ? () => require(override) as Binding : (require('node-gyp-build') as (dir: string) => Binding);
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

/** The npm package with ONNX Runtime 1.29's CUDA 13 provider libraries; installing it is the user's choice. */
export const CUDA_PROVIDERS_PACKAGE = 'com.github.asus4.onnxruntime.linux-x64-gpu';
const CUDA_PROVIDER_LIBRARIES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];

/**
 * ONNX Runtime loads execution providers from the directory of the libonnxruntime it runs from. When the CUDA
 * providers package is installed (Linux x64), this makes a directory of links holding onnxruntime-node's library
 * and the provider libraries, so one library serves both CPU and CUDA sessions. Null without the package.
 */
function withCudaProviders(cpuLibrary: string): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return null;
  let providersDir: string;
  try {
    providersDir = join(dirname(require.resolve(`${CUDA_PROVIDERS_PACKAGE}/package.json`)), 'Plugins', 'Linux', 'x64');
  } catch {
    return null;
  }
  if (!CUDA_PROVIDER_LIBRARIES.every((f) => existsSync(join(providersDir, f)))) return null;
  const key = createHash('sha256').update(`${cpuLibrary}\n${providersDir}`).digest('hex').slice(0, 16);
  const bundle = join(tmpdir(), `native-ner-ort-${key}`);
  const links: [string, string][] = [
    [basename(cpuLibrary), cpuLibrary],
    ...CUDA_PROVIDER_LIBRARIES.map((f): [string, string] => [f, join(providersDir, f)]),
  ];
  mkdirSync(bundle, { recursive: true });
  for (const [name, target] of links) {
    const link = join(bundle, name);
    try {
      symlinkSync(target, link);
    } catch (error) {
      // Another process (or an earlier run) made it already.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return join(bundle, basename(cpuLibrary));
}

/**
 * The ONNX Runtime shared library: $NATIVE_NER_ORT_LIBRARY, else the one the pinned onnxruntime-node
 * package ships for this platform (bin/napi-v6/<platform>/<arch>/), loaded beside the CUDA provider
 * libraries when their package is installed.
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
  const cpuLibrary = join(dir, library);
  return withCudaProviders(cpuLibrary) ?? cpuLibrary;
}
