// Rule sets: phrase lists, patterns, built-in recognizers, overrides and allow-lists that run after the model on the
// engine's threads (native/core/rules; the schema and semantics are in docs/api.md "Rules"). A Rules object holds a
// loaded set; a call holds the set it started with, so ner.setRules() never changes calls in flight.
import { resolve } from 'node:path';
import { fromNative } from './errors';
import { getBinding } from './native';

/** A rules document, as a rules JSON file holds it (docs/api.md "Rules"). */
export interface RulesDocument {
  lists?: unknown[];
  patterns?: unknown[];
  builtins?: unknown[];
  overrides?: Record<string, string> | { text: string; label: string }[];
  allow?: unknown[];
}

/** Where rules come from: a rules JSON file's path, a rules document, or rules already loaded. */
export type RulesInput = string | RulesDocument | Rules;

const HANDLE = Symbol('native-ner rules handle');

export class Rules {
  /** What entities' `source` can be: 'model', then each rule's name. */
  readonly sourceNames: readonly string[];
  /** The canonical ids phrases carry, as entities' `id` gives them. */
  readonly idNames: readonly string[];
  /** The labels the rules give. */
  readonly labels: readonly string[];
  /** Phrases in all lists. */
  readonly phraseCount: number;
  /** @internal */
  readonly [HANDLE]: unknown;

  private constructor(handle: unknown) {
    const info = getBinding().rulesInfo(handle);
    this[HANDLE] = handle;
    this.sourceNames = info.sourceNames;
    this.idNames = info.idNames;
    this.labels = info.labels;
    this.phraseCount = info.phraseCount;
  }

  /**
   * Loads rules on a worker thread: a file path (phrase files it names are read relative to it) or a document
   * (phrase files relative to the working directory). Bad rules reject with ERR_INVALID_ARGUMENT naming the file,
   * line and entry.
   */
  static async load(input: RulesInput): Promise<Rules> {
    if (input instanceof Rules) return input;
    const binding = getBinding();
    let handle: unknown;
    try {
      if (typeof input === 'string') {
        handle = await binding.loadRules('file', resolve(input), input);
      } else if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
        handle = await binding.loadRules('json', JSON.stringify(input), 'rules');
      } else {
        throw new TypeError('rules must be a rules file path, a rules object or a Rules');
      }
    } catch (error) {
      throw error instanceof TypeError ? error : fromNative(error);
    }
    return new Rules(handle);
  }
}

/** The binding's handle of loaded rules. @internal */
export function rulesHandle(rules: Rules): unknown {
  return rules[HANDLE];
}

/** Loads rules (see Rules.load). */
export function loadRules(input: RulesInput): Promise<Rules> {
  return Rules.load(input);
}
