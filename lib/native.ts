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
export interface NativeModelParams extends Omit<LoadOptions, 'calibration'> {
  directory: string;
  /** The calibration file to apply; '' for none. */
  calibrationPath: string;
  ortLibraryPath: string;
  ortLibraryPreferred: boolean;
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
  /** With rules only: each entity's source (0 the model, r + 1 rule r) and id (-1 none), and the label names. */
  sources?: Int32Array;
  ids?: Int32Array;
  labelNames?: string[];
  /** With confidence only: per entity, and per text (lib/options.ts `confidence`). */
  minProbs?: Float32Array;
  margins?: Float32Array;
  entropies?: Float32Array;
  textEntropy?: Float32Array;
  unkRate?: Float32Array;
  textWindows?: Uint32Array;
  textTokens?: Uint32Array;
  /** With tokenLogits only (ner.tokenScores): text i's tokens are rows tokenRows[i] .. tokenRows[i + 1]. */
  tokenRows?: Uint32Array;
  tokenSpans?: Uint32Array;
  tokenLogits?: Float32Array;
  /** With a redaction policy only: the rewritten texts and their items. */
  redacted?: NativeRedacted;
}

/** Rewritten texts and their items, flattened: text i owns items offsets[i] .. offsets[i+1]. */
export interface NativeRedacted {
  texts: string[];
  offsets: Uint32Array;
  starts: Uint32Array;
  ends: Uint32Array;
  newStarts: Uint32Array;
  newEnds: Uint32Array;
  /** Indices into the same label names as the entities' labels. */
  labels: Int32Array;
  /** Indices into operatorNames(). */
  operators: Uint8Array;
  scores: Float32Array;
  sources: Int32Array;
}

/** A redaction policy as the binding reads it: built by lib/redaction.ts from checked options. */
export interface NativeRedactionPolicy {
  /** Label '*': every label not listed. */
  operators: { label: string; type: string; with?: string; char?: string; keepLast?: number; length?: number }[];
  minScores: { label: string; min: number }[];
  allow: string[];
  hashKey?: Uint8Array;
  encryptKey?: Uint8Array;
  /** 'text', 'call', or a handle from newPseudonyms. */
  pseudonyms: unknown;
}

/**
 * Extract options as the binding reads them: checked by lib/options.ts, whose ranges the binding trusts; and
 * tokenLogits, which only ner.tokenScores sets.
 */
export type NativeExtractOptions = Omit<ExtractOptions, 'rules' | 'monitor'> & { tokenLogits?: boolean };

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
  /** The calibration file applied; '' for none. */
  calibrationPath: string;
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
  /** `rules`: a handle from loadRules, held by the call. */
  extract(
    texts: string[] | { utf8: Uint8Array; offsets: Uint32Array },
    options?: NativeExtractOptions,
    rules?: unknown,
    redaction?: NativeRedactionPolicy,
    /** A handle from newMonitor, held by the call, which counts its texts once it is done. */
    monitor?: unknown,
  ): Promise<NativeColumns>;
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
  /** The sentence splitter: [start0, end0, start1, end1, ...] in UTF-16 units. */
  sentences(text: string, options: { lineBreaks?: string }): Uint32Array;
  /** Builds a rule set on a worker thread: kind 'file' (text is a path) or 'json' (text is the document). */
  loadRules(kind: 'file' | 'json', text: string, source: string): Promise<unknown>;
  rulesInfo(handle: unknown): { sourceNames: string[]; idNames: string[]; labels: string[]; phraseCount: number };
  /** A pseudonym table continuing [label, values in number order] entries. */
  newPseudonyms(entries?: [string, string[]][]): unknown;
  pseudonymEntries(handle: unknown): [string, string[]][];
  /** Puts back the values of a text's encrypt placeholders. */
  restore(text: string, key: Uint8Array): string;
  /** The operators' names, as NativeRedacted.operators index them. */
  operatorNames(): string[];
  /** A drift monitor (native/core/monitoring): a handle extract takes. */
  newMonitor(): unknown;
  /** The monitor's profile as JSON; with reset, the monitor is emptied in the same step. */
  monitorSnapshot(handle: unknown, reset: boolean): string;
  /** Adds another monitor's counts (a handle) or a profile's JSON (`source` names it in errors). */
  monitorMerge(handle: unknown, other: unknown, source?: string): void;
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

/**
 * CUDA without a network at install time: the npm package with ONNX Runtime 1.29's CUDA 13 provider libraries, and
 * the package name under which a CUDA-enabled ONNX Runtime 1.29 build is installed beside it (onnxruntime-node's own
 * 1.29.0 under an alias; the library of the providers' own dependency, com.github.asus4.onnxruntime, is built
 * without CUDA). Installing both is the user's choice (docs/api.md, "CUDA").
 */
export const CUDA_PROVIDERS_PACKAGE = 'com.github.asus4.onnxruntime.linux-x64-gpu';
export const CUDA_RUNTIME_PACKAGE = 'onnxruntime-node-1.29';
const CUDA_PROVIDER_LIBRARIES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];

/** The ONNX Runtime library an onnxruntime-node package (or an alias of one) ships for this platform, or null. */
function libraryOfPackage(packageName: string): string | null {
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    return null;
  }
  const dir = join(packageDir, 'bin', 'napi-v6', process.platform, process.arch);
  const library = existsSync(dir)
    ? readdirSync(dir).find((f) => /^(lib)?onnxruntime(\.so\.\d+|\.\d+\.dylib|\.dll)$/.test(f))
    : undefined;
  return library ? join(dir, library) : null;
}

/** onnxruntime-node's library for this platform: the CPU path's ONNX Runtime. */
function onnxruntimeNodeLibrary(): string {
  const library = libraryOfPackage('onnxruntime-node');
  if (library) return library;
  let installed = true;
  try {
    require.resolve('onnxruntime-node/package.json');
  } catch {
    installed = false;
  }
  throw new NerError(
    'ERR_RUNTIME_UNAVAILABLE',
    installed
      ? `onnxruntime-node ships no ONNX Runtime library for ${process.platform}-${process.arch}; ` +
          'set NATIVE_NER_ORT_LIBRARY to a libonnxruntime of version 1.21 or newer'
      : 'onnxruntime-node is not installed; run `npm install` or set NATIVE_NER_ORT_LIBRARY to libonnxruntime',
  );
}

/**
 * The CUDA path's ONNX Runtime: a CUDA-enabled library with provider libraries of its own version beside it. That
 * is onnxruntime-node's own when its install step fetched its CUDA providers (the default of an online npm install;
 * this repository skips it, see .npmrc), else the CUDA providers package's with the 1.29 build installed as
 * CUDA_RUNTIME_PACKAGE. ONNX Runtime loads providers from the directory of the library it runs from, so the second
 * case is a directory of links to the three. Null when neither is installed.
 */
function cudaLibrary(): string | null {
  const own = libraryOfPackage('onnxruntime-node');
  if (own && CUDA_PROVIDER_LIBRARIES.every((f) => existsSync(join(dirname(own), f)))) return own;
  if (process.platform !== 'linux' || process.arch !== 'x64') return null;
  let providersDir: string;
  try {
    providersDir = join(dirname(require.resolve(`${CUDA_PROVIDERS_PACKAGE}/package.json`)), 'Plugins', 'Linux', 'x64');
  } catch {
    return null;
  }
  const runtime = libraryOfPackage(CUDA_RUNTIME_PACKAGE);
  const providers = CUDA_PROVIDER_LIBRARIES.map((f) => join(providersDir, f));
  if (!runtime || !providers.every((p) => existsSync(p))) return null;
  const links = [runtime, ...providers];
  const key = createHash('sha256').update(links.join('\n')).digest('hex').slice(0, 16);
  const bundle = join(tmpdir(), `native-ner-ort-${key}`);
  mkdirSync(bundle, { recursive: true });
  for (const target of links) {
    try {
      symlinkSync(target, join(bundle, basename(target)));
    } catch (error) {
      // Another process (or an earlier run) made it already.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return join(bundle, basename(runtime));
}

/** The ONNX Runtime library a model loads, and whether the caller required it (ort_runtime.h, Choice). */
export interface OrtLibraryChoice {
  ortLibraryPath: string;
  ortLibraryPreferred: boolean;
}

/**
 * The ONNX Runtime library for a model on `device`: the caller's (ortLibraryPath, else $NATIVE_NER_ORT_LIBRARY),
 * required as given. Otherwise native-ner's preference: for the CPU, the newest ONNX Runtime from npm
 * (onnxruntime-node, the fastest measured: docs/benchmarks.md); for 'cuda' and 'auto', the library matched to the
 * installed CUDA providers (cudaLibrary), falling back to onnxruntime-node's. A process holds one ONNX Runtime: a
 * preferred library gives way to one already loaded.
 */
export function chooseOrtLibrary(device: string | undefined, ortLibraryPath?: string): OrtLibraryChoice {
  const required = ortLibraryPath ?? process.env.NATIVE_NER_ORT_LIBRARY;
  if (required) return { ortLibraryPath: required, ortLibraryPreferred: false };
  const wantsCuda = device === 'cuda' || device === 'auto';
  const preferred = (wantsCuda ? cudaLibrary() : null) ?? onnxruntimeNodeLibrary();
  return { ortLibraryPath: preferred, ortLibraryPreferred: true };
}
