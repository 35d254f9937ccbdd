// Redaction: rewrites the entities and rule matches of texts (native/core/redaction) and reports what it replaced.
// This file holds the API's types, the pseudonym map a caller keeps, restore() for encrypted values, and the
// translation of checked options (lib/options.ts, the 'redact' scope) into the policy the binding reads.
import { readFileSync } from 'node:fs';
import { callNative, NerError } from './errors';
import { getBinding, type NativeRedacted, type NativeRedactionPolicy } from './native';
import type { OptionValues } from './options';
import type { Rules } from './rules';

/** The ways a detected value can be rewritten (docs/api.md "Redaction"). */
export type OperatorName = 'replace' | 'mask' | 'remove' | 'hash' | 'pseudonym' | 'encrypt' | 'keep';

/** An operator in its object form. */
export type OperatorObject =
  | { type: 'replace'; with?: string }
  | { type: 'mask'; char?: string; keepLast?: number }
  | { type: 'hash'; length?: number }
  | { type: 'remove' | 'pseudonym' | 'encrypt' | 'keep' };

/** An operator: its name (with its defaults), its short form ('mask:#:4'), or its object form. */
export type Operator = OperatorName | OperatorObject | (string & {});

/** Keys of the keyed operators, from the caller and never generated: keep them secret. */
export interface RedactionKeys {
  /** HMAC-SHA256 key of the hash operator: at least 32 bytes. */
  hash?: Uint8Array;
  /** AES-256-GCM key of the encrypt operator and restore(): 32 bytes. */
  encrypt?: Uint8Array;
}

/** One rewritten (or kept) region of a text. */
export interface Redaction {
  /** The label of the outermost detection in the region. */
  label: string;
  /** The region in the input text (UTF-16 offsets), widened to whole grapheme clusters. */
  start: number;
  end: number;
  /** The region's rewrite in the output text. */
  newStart: number;
  newEnd: number;
  operator: OperatorName;
  /** The outermost detection's score. */
  score: number;
  /** With rules only: 'model' or the rule that found the outermost detection. */
  source?: string;
  /** With includeOriginal only: the input text's value in the region. */
  original?: string;
}

/** A text after redaction and what was replaced in it, items in text order and never overlapping. */
export interface RedactedText {
  text: string;
  items: Redaction[];
}

const HANDLE = Symbol('native-ner pseudonym table');

/**
 * Pseudonym numbers a caller keeps across calls (and processes): the same value of a label keeps its `<LABEL_n>`
 * for as long as the map lives; concurrent calls share it safely. The map holds the original values: it is the
 * re-identification table, to be stored as carefully as the data itself.
 */
export class PseudonymMap {
  /** @internal */
  readonly [HANDLE]: unknown;

  /** A new map, or one continuing `entries` (what toJSON() gave): { PER: ['Ada', 'Bob'] } numbers Ada 1 and Bob 2. */
  constructor(entries?: Record<string, readonly string[]>) {
    let pairs: [string, string[]][] | undefined;
    if (entries !== undefined) {
      if (entries === null || typeof entries !== 'object' || Array.isArray(entries)) {
        throw new TypeError('pseudonym entries must be an object of value lists by label ({ PER: ["Ada", "Bob"] })');
      }
      pairs = Object.entries(entries).map(([label, values]) => {
        if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
          throw new TypeError(`pseudonym entries.${label} must be an array of strings`);
        }
        return [label, [...values]];
      });
    }
    const binding = getBinding();
    this[HANDLE] = callNative(() => binding.newPseudonyms(pairs));
  }

  /** Every label's values in number order: values[k] is `<LABEL_k+1>`. */
  toJSON(): Record<string, string[]> {
    const binding = getBinding();
    return Object.fromEntries(callNative(() => binding.pseudonymEntries(this[HANDLE])));
  }

  /** The number of values the map has numbered. */
  get size(): number {
    return Object.values(this.toJSON()).reduce((sum, values) => sum + values.length, 0);
  }
}

/**
 * `text` with the value of each encrypt placeholder (`<LABEL:enc:token>`) put back, given the encrypt key. A
 * placeholder that does not open under the key (a wrong key, an altered token or label) fails the whole call with
 * ERR_INVALID_ARGUMENT naming its offset, so a text is never half restored.
 */
export function restore(text: string, key: Uint8Array): string {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  if (!(key instanceof Uint8Array)) throw new TypeError('key must be a Uint8Array: the 32-byte encrypt key');
  if (key.length !== 32) throw new NerError('ERR_INVALID_ARGUMENT', `key must be the 32-byte encrypt key, got ${key.length} bytes`);
  const binding = getBinding();
  return callNative(() => binding.restore(text, key));
}

/**
 * A key from a file: 64 or more hex digits (whitespace around them ignored), else the file's raw bytes. Too short
 * (under `minBytes`) or missing is ERR_INVALID_ARGUMENT naming the file.
 */
export function readKeyFile(path: string, minBytes = 32): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (error) {
    throw new NerError('ERR_INVALID_ARGUMENT', `cannot read the key file ${path}: ${(error as Error).message}`);
  }
  const text = raw.toString('latin1').trim();
  const key = /^(?:[0-9a-fA-F]{2}){32,}$/.test(text) ? Buffer.from(text, 'hex') : raw;
  if (key.length < minBytes) {
    throw new NerError('ERR_INVALID_ARGUMENT', `the key file ${path} holds ${key.length} bytes; it needs at least ${minBytes} (e.g. openssl rand -hex 32 > ${path})`);
  }
  return new Uint8Array(key);
}

/** redact()'s own options, checked (lib/options.ts). */
export type RedactionOptions = OptionValues<'redact'>;

/**
 * The binding's policy for checked redaction options. `known` lists the labels the model and the call's rules can
 * give: an operator or minimum score for any other label is a mistake (usually a typo) and is refused.
 */
export function toNativePolicy(options: RedactionOptions, known: readonly string[], streamPseudonyms?: PseudonymMap): NativeRedactionPolicy {
  const operators = options.operators ?? {};
  const minScores = options.minScores ?? {};
  const unknown = [...Object.keys(operators), ...Object.keys(minScores)].filter((l) => l !== '*' && !known.includes(l));
  if (unknown.length > 0) {
    throw new NerError('ERR_INVALID_ARGUMENT', `redaction names unknown label ${[...new Set(unknown)].join(', ')}; the model and rules give ${known.join(', ')}`);
  }
  const keys = options.keys ?? {};
  const checked = Object.entries(operators) as [string, OperatorObject][];
  for (const [label, op] of checked) {
    const which = op.type === 'hash' ? 'hash' : op.type === 'encrypt' ? 'encrypt' : undefined;
    if (which && !keys[which]) {
      const size = which === 'hash' ? 'at least 32 bytes' : '32 bytes';
      throw new NerError('ERR_INVALID_ARGUMENT', `operator ${op.type} of ${label} needs keys.${which}: a secret Uint8Array of ${size} (e.g. crypto.randomBytes(32))`);
    }
  }
  let pseudonyms: unknown = options.pseudonyms ?? 'text';
  if (streamPseudonyms && pseudonyms === 'call') pseudonyms = streamPseudonyms;
  if (pseudonyms instanceof PseudonymMap) {
    pseudonyms = pseudonyms[HANDLE];
  } else if (pseudonyms !== 'text' && pseudonyms !== 'call') {
    throw new TypeError("pseudonyms must be 'text', 'call' or a PseudonymMap");
  }
  return {
    operators: checked.map(([label, op]) => ({ label, ...op })),
    minScores: Object.entries(minScores).map(([label, min]) => ({ label, min })),
    allow: options.allow ?? [],
    hashKey: keys.hash,
    encryptKey: keys.encrypt,
    pseudonyms,
  };
}

let operatorNames: readonly OperatorName[] | undefined;

/** The binding's redacted columns as one RedactedText per text. */
export function toRedactedTexts(
  texts: readonly string[],
  redacted: NativeRedacted,
  labelNames: readonly string[],
  rules: Rules | undefined,
  includeOriginal: boolean,
): RedactedText[] {
  operatorNames ??= getBinding().operatorNames() as OperatorName[];
  const { offsets, starts, ends, newStarts, newEnds, labels, operators, scores, sources } = redacted;
  return redacted.texts.map((text, i) => {
    const items: Redaction[] = [];
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      const item: Redaction = {
        label: labelNames[labels[k]],
        start: starts[k],
        end: ends[k],
        newStart: newStarts[k],
        newEnd: newEnds[k],
        operator: (operatorNames as readonly OperatorName[])[operators[k]],
        score: scores[k],
      };
      if (rules) item.source = rules.sourceNames[sources[k]];
      if (includeOriginal) item.original = texts[i].slice(starts[k], ends[k]);
      items.push(item);
    }
    return { text, items };
  });
}
