// Model identity: the SHA-256 of the three files that decide a model's outputs (the ONNX file, tokenizer.json and
// config.json) and one combined hash over the three, so that a result, a health check, a metric or a request log
// line can say exactly which model produced it. ner.info.identity holds it; the service shows it in /healthz,
// /metrics (native_ner_model_info) and its request log. Files are read in chunks, never whole into memory.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

/** The SHA-256 digests (64 lowercase hex digits) that identify a loaded model. */
export interface ModelIdentity {
  /** The combined identity: combineIdentity(modelSha256, tokenizerSha256, configSha256). */
  sha256: string;
  /** The ONNX file that ran (info.modelPath). */
  modelSha256: string;
  /** The model directory's tokenizer.json. */
  tokenizerSha256: string;
  /** The model directory's config.json (labels, window, head). */
  configSha256: string;
}

/**
 * The combined identity of three file digests: the SHA-256 of the UTF-8 text
 * `model <hex>\ntokenizer <hex>\nconfig <hex>\n` (each <hex> lowercase), which a shell reproduces with
 * `printf 'model %s\ntokenizer %s\nconfig %s\n' M T C | sha256sum`. Naming each part keeps two models whose files
 * merely swap roles apart; the text form keeps the definition checkable without this library.
 */
export function combineIdentity(modelSha256: string, tokenizerSha256: string, configSha256: string): string {
  for (const digest of [modelSha256, tokenizerSha256, configSha256]) {
    if (!/^[0-9a-f]{64}$/.test(digest)) throw new TypeError(`'${digest}' is not a SHA-256 digest in lowercase hex`);
  }
  return createHash('sha256').update(`model ${modelSha256}\ntokenizer ${tokenizerSha256}\nconfig ${configSha256}\n`, 'utf8').digest('hex');
}

/** The files an identity covers: the ONNX file that was loaded and the directory's tokenizer and config. */
function identityFiles(directory: string, modelPath: string): [string, string, string] {
  return [modelPath, join(directory, 'tokenizer.json'), join(directory, 'config.json')];
}

function toIdentity([modelSha256, tokenizerSha256, configSha256]: string[]): ModelIdentity {
  return { sha256: combineIdentity(modelSha256, tokenizerSha256, configSha256), modelSha256, tokenizerSha256, configSha256 };
}

/** SHA-256 (hex) of a file, streamed: the reads run on libuv's threads, the hashing in chunks between other work. */
export function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .once('end', () => resolve(hash.digest('hex')))
      .once('error', reject);
  });
}

// 1 MiB reads: large enough that the syscalls cost nothing next to the hashing.
const SYNC_CHUNK_BYTES = 1 << 20;

/** SHA-256 (hex) of a file, read synchronously in chunks. */
export function sha256OfFileSync(path: string): string {
  const hash: Hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(SYNC_CHUNK_BYTES);
  const fd = openSync(path, 'r');
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** The identity of the model in `directory` whose ONNX file is `modelPath`, its files read concurrently. */
export async function modelIdentity(directory: string, modelPath: string): Promise<ModelIdentity> {
  return toIdentity(await Promise.all(identityFiles(directory, modelPath).map(sha256OfFile)));
}

/** modelIdentity, blocking the thread while it reads (about 0.2 s per 100 MB of ONNX file). */
export function modelIdentitySync(directory: string, modelPath: string): ModelIdentity {
  return toIdentity(identityFiles(directory, modelPath).map(sha256OfFileSync));
}
