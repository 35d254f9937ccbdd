// The command line's commands, flags and help. Option flags come from the option table (options.ts): every option
// with a `cli` entry in a group a command takes is a flag of that command, checked by the table's ranges, and
// listed in its help with its default. Each command's own flags (--model, --port, --jsonl, ...) sit beside them.
// This module only parses; cli.ts runs the commands.
import { parseArgs } from 'node:util';
import { NerError } from './errors';
import {
  checkValue,
  describeValue,
  optionNames,
  optionSpec,
  type ExtractOptions,
  type LoadOptions,
  type OptionFlag,
  type OptionSpec,
  type OptionValues,
  type ServeOptions,
  type WorkerOptions,
} from './options';

/** A mistake on the command line: cli.ts prints it with the command's usage and exits 2. */
export class UsageError extends Error {}

export type CommandName = 'extract' | 'eval' | 'serve' | 'redact' | 'calibrate' | 'worker' | 'profile' | 'drift';

/** The option groups whose flags commands take, in the order their help lists them. */
type FlagScope = 'model' | 'extract' | 'serve' | 'redact' | 'worker';

/** A command's own flag, not an option: how parseArgs reads it and its line in the help. */
interface OwnFlag {
  type: 'string' | 'boolean';
  /** Its value's name in the help (string flags). */
  arg?: string;
  help: string;
}

interface CommandSpec {
  synopsis: string;
  /** What the command does, before its flags in the help. */
  about: string;
  /** The option groups whose flagged options the command takes. */
  scopes: readonly FlagScope[];
  /** Own flags listed before the options (after --model), and after them. */
  first: Record<string, OwnFlag>;
  last: Record<string, OwnFlag>;
  positionals: boolean;
}

// The keyed operators' keys come from files, never from the command line (where ps and shell history show them).
const KEY_FLAGS: Record<string, OwnFlag> = {
  'hash-key': { type: 'string', arg: 'FILE', help: "file of the hash operator's key: 64+ hex digits or 32+ raw bytes" },
  'encrypt-key': { type: 'string', arg: 'FILE', help: "file of the encrypt operator's key: 64 hex digits or 32 raw bytes" },
};

const MODEL_FLAG: OwnFlag = { type: 'string', arg: 'DIR', help: 'model directory (model.onnx, tokenizer.json, config.json)   [required]' };

// Inputs of profile and drift: CoNLL sentences, files of texts or standard input.
const DRIFT_INPUT_FLAGS: Record<string, OwnFlag> = {
  conll: { type: 'string', arg: 'FILE', help: 'CoNLL file: its sentences (words joined by single spaces) are texts, before any FILE' },
  jsonl: { type: 'boolean', help: 'read FILEs as JSON lines: a string, {"text": ...} or {"tokens": [...]} per line' },
};

const COMMANDS: Record<CommandName, CommandSpec> = {
  profile: {
    synopsis: 'native-ner profile --model DIR [--conll FILE] [options] [FILE ...] > baseline.json',
    about: `Runs texts through the model and prints a drift baseline (JSON) on stdout: counts of its entity-type mix, scores
and span lengths per label, entities per text, token entropy, [UNK] rate, text lengths and texts needing several
windows (docs/monitoring.md), and how each label's share varies over chunks of --chunk-texts texts. Texts: the
sentences of --conll FILE, then each FILE's lines (blank lines skipped; JSON lines with --jsonl or a .jsonl or
.jsonlines name), or standard input. The extract options given are recorded; drift runs with them.`,
    scopes: ['model', 'extract'],
    first: {
      ...DRIFT_INPUT_FLAGS,
      'chunk-texts': { type: 'string', arg: 'N', help: 'texts per chunk: one extract call, and the unit of the share spread (default 250)' },
    },
    last: {},
    positionals: true,
  },
  drift: {
    synopsis: 'native-ner drift --model DIR --baseline FILE [--conll FILE] [options] [FILE ...]',
    about: `Profiles texts as profile does (with the baseline's extract options; flags given override them) and compares
them with the baseline: population stability index and Jensen-Shannon distance for the categorical signals,
Kolmogorov-Smirnov and Wasserstein distance for the numeric ones. Prints one row per signal with its status (ok,
watch, alert, or too few to judge) and exits 1 when a signal alerts, 0 otherwise: a CI gate. Thresholds: PSI
0.1/0.25 or JS 0.1/0.2 (watch/alert); KS p < 0.01 with a statistic of 0.1/0.2 (docs/monitoring.md).`,
    scopes: ['model', 'extract'],
    first: {
      baseline: { type: 'string', arg: 'FILE', help: 'the baseline, from native-ner profile   [required]' },
      ...DRIFT_INPUT_FLAGS,
      'min-count': { type: 'string', arg: 'N', help: 'observations (texts or entities) each side needs before a signal is judged (default 100)' },
    },
    last: { json: { type: 'boolean', help: 'print the comparison as JSON instead of a table' } },
    positionals: true,
  },
  extract: {
    synopsis: 'native-ner extract --model DIR [options] [TEXT|FILE ...]',
    about: `Prints one JSON line per text: {"text": ..., "entities": [{label, start, end, text, score}, ...]}.
Each argument that names an existing file is read as one text per line (JSON lines with --jsonl or a .jsonl
name: a JSON string or an object with "text" per line); any other argument is a text. With no argument, texts
are read from standard input. Input is streamed: memory stays bounded however large it is; a progress line is
shown on stderr when it is a terminal.`,
    scopes: ['model', 'extract'],
    first: {},
    last: { jsonl: { type: 'boolean', help: 'read files and standard input as JSON lines' } },
    positionals: true,
  },
  eval: {
    synopsis: 'native-ner eval --model DIR (--conll FILE | --jsonl FILE | --pii FILE) [options]',
    about: `Runs the model over every sentence of a labelled dataset (sentence text = its words joined by single spaces)
and prints strict span precision, recall and F1 (exact start, end and type), per type and overall. With --rules
FILE it also runs the model alone and prints the scores by source (the model, each rule) and the difference.
With --pii FILE it generates the PII set (3,000 texts, seed 1; people, organisations and places from the CoNLL
file's entities), redacts it with every built-in recognizer (or --rules FILE) and the model's PER, ORG and LOC,
and prints detection precision and recall per type, the PII characters left and the hard negatives redacted.
With --conll or --jsonl it also prints the calibration of the entity scores against exact correctness: the
expected calibration error (ECE: over 10 equal-width score bins, each bin's |share correct − mean score| weighted
by its share of entities) and the maximum one (MCE: the largest such gap of a non-empty bin).`,
    scopes: ['model', 'extract'],
    first: {
      conll: { type: 'string', arg: 'FILE', help: 'CoNLL file: word ... TAG per line, tags IOB1, IOB2 or BIOES (e.g. CoNLL-2003 eng.testb)' },
      jsonl: {
        type: 'string',
        arg: 'FILE',
        help: 'nested NER JSON lines: tokens, entity_mentions [{start, end, entity_type}] (e.g. GENIA);\nalso scores inner and outer entities',
      },
      pii: { type: 'string', arg: 'FILE', help: 'score redaction on the generated PII set, names from this CoNLL file (e.g. eng.testb)' },
    },
    last: {
      reliability: { type: 'string', arg: 'FILE', help: 'write the reliability diagram of the entity scores (SVG) to FILE' },
      json: { type: 'boolean', help: 'print the scores as JSON instead of a table' },
    },
    positionals: false,
  },
  calibrate: {
    synopsis: 'native-ner calibrate --model DIR --conll FILE [--per-label] [--out FILE]',
    about: `Fits temperature scaling of a token classifier's probabilities on a labelled CoNLL file (a dev set, e.g. CoNLL-2003
eng.testa). Each sentence runs through the model as eval gives it (words joined by single spaces), each model token
gets its gold tag in the model's scheme (its word's tag for the first subword, the I- form for the rest), and the
temperature T that minimises the mean negative log-likelihood (NLL) of the gold tags under softmax(logits / T) is
found by golden-section search over log T. With --per-label, one temperature per label, by gradient descent on the
log temperatures starting from the single one. Writes the calibration file (temperature, temperatures per label,
fitted_on, tokens, nll_before, nll_after), which loading the model applies (load option calibration, flag
--calibration FILE or 'none' of the other commands), and prints the NLL before and after.`,
    scopes: ['model'],
    first: {
      conll: { type: 'string', arg: 'FILE', help: 'CoNLL file to fit on: word ... TAG per line, tags IOB1, IOB2 or BIOES   [required]' },
      'per-label': { type: 'boolean', help: 'fit one temperature per label, not one for all' },
      out: { type: 'string', arg: 'FILE', help: 'where to write the calibration JSON (default DIR/calibration.json)' },
    },
    last: {},
    positionals: false,
  },
  serve: {
    synopsis: 'native-ner serve --model DIR [--port N] [--host ADDR] [options]',
    about: `Serves the model over HTTP until SIGINT or SIGTERM, then stops accepting connections, gives the requests in flight
up to --shutdown-grace-ms to finish, closes the connections left and exits. With --rules FILE, SIGHUP reloads
the rules file (an invalid one keeps the rules in use; the log says why).
  POST /extract   body {"texts": [...]} or {"text": "..."}, optionally "options": {...} (extract's options);
                  answers {"entities": [[...], ...]} (or [...] for "text"); errors {"error": {code, message}}
  POST /redact    the same body, "options" also redact's (operators, minScores, allow, pseudonyms 'text' or
                  'call', includeOriginal; never keys); answers {"redacted": [{text, items}, ...]} (or {...}).
                  --operator sets its defaults, --hash-key and --encrypt-key its keys
  GET /healthz    {"status": "ok", "model": {"name", "sha256", "identity"}, ...}: identity holds the SHA-256 of
                  the ONNX file, tokenizer.json and config.json and a combined one
  GET /metrics    Prometheus text: request and inference latency histograms, texts, tokens, entities by label,
                  redactions by label and operator, requests by status, errors by code, native_ner_model_info
                  (the model's identity); with --shadow, the shadow model's calls and its agreement with --model
                  per label (tp, fp, fn, F1)
Every answer carries x-request-id. --request-log FILE writes one JSON line per request (id, route, status,
counts, tokens, latency, entities per label, the model's identity; texts only with --log-texts).`,
    scopes: ['model', 'extract', 'redact', 'serve'],
    first: {
      port: { type: 'string', arg: 'N', help: 'TCP port (default 8080; 0 picks a free one)' },
      host: { type: 'string', arg: 'ADDR', help: 'address to listen on (default 127.0.0.1)' },
      shadow: {
        type: 'string',
        arg: 'DIR',
        help: 'a second model (a directory, or an .onnx file in one) run on --shadow-share of /extract\nrequests after they are answered; /metrics shows how far it agrees with --model',
      },
      baseline: {
        type: 'string',
        arg: 'FILE',
        help: 'a drift baseline (native-ner profile): every request is counted, and /metrics exports\nnative_ner_drift_* gauges per signal over the last --drift-minutes and histograms\nof entity scores, span lengths and token entropy (docs/monitoring.md)',
      },
      'drift-minutes': { type: 'string', arg: 'N', help: 'with --baseline: the sliding window drift is judged over, in minutes (default 60)' },
      'drift-min-count': { type: 'string', arg: 'N', help: 'with --baseline: observations each side needs before a signal is judged (default 100)' },
    },
    last: KEY_FLAGS,
    positionals: false,
  },
  redact: {
    synopsis: 'native-ner redact --model DIR [--operator LABEL=OP ...] [options] [TEXT|FILE ...]',
    about: `Rewrites the entities of each text (and, with --rules, the rules' matches) by their label's operator, by default
<LABEL> for every label. Reads its input as extract does: each argument that names an existing file is read as one
text per line (JSON lines with --jsonl or a .jsonl name), any other argument is a text, and with none, standard
input. A text line gives its redacted text as one line; a JSON line gives {"text": ..., "items": [{label, start,
end, newStart, newEnd, operator, score}, ...]}, which holds no original value. Input is streamed: memory stays
bounded however large it is; a progress line is shown on stderr when it is a terminal.`,
    scopes: ['model', 'extract', 'redact'],
    first: {},
    last: { ...KEY_FLAGS, jsonl: { type: 'boolean', help: 'read files and standard input as JSON lines' } },
    positionals: true,
  },
  worker: {
    synopsis: 'native-ner worker --model DIR --redis URL --stream IN --group G [--output OUT] [--consumer NAME] [options]',
    about: `Consumes the Redis stream IN as consumer NAME of the consumer group G (created when missing) until SIGINT or
SIGTERM, then stops reading, finishes and acknowledges the messages in flight (up to --shutdown-grace-ms) and
exits 0. A message holds a field "text" (a string) or "texts" (a JSON array of strings), and optionally "id".
Each read of up to --read-count messages runs as one engine call; each result is added to OUT with "key" (the
input message's ID: the idempotency key), "id", "model" (the model's SHA-256) and "entities" (with --redact,
"redacted"), and only then is the message acknowledged. Messages left pending longer than --claim-idle-ms (their
consumer died) are claimed. A message delivered more than --max-deliveries times, malformed or over the size
limits goes to the dead-letter stream with its error and is acknowledged. Delivery is at least once: drop the
results whose "key" you have seen (docs/scaling.md).`,
    scopes: ['model', 'extract', 'redact', 'worker'],
    first: {
      redis: { type: 'string', arg: 'URL', help: 'the Redis server (default redis://127.0.0.1:6379)' },
      stream: { type: 'string', arg: 'IN', help: 'the input stream   [required]' },
      group: { type: 'string', arg: 'G', help: 'the consumer group   [required]' },
      output: { type: 'string', arg: 'OUT', help: 'the results stream (default IN:results)' },
      consumer: { type: 'string', arg: 'NAME', help: "this worker's consumer name, unique per worker (default HOST-PID)" },
      'dead-letter': { type: 'string', arg: 'STREAM', help: 'the dead-letter stream (default IN:dead-letter)' },
      redact: { type: 'boolean', help: 'write redacted texts ("redacted") instead of entities; --operator sets how' },
      'metrics-host': { type: 'string', arg: 'ADDR', help: 'address of --metrics-port (default 127.0.0.1)' },
    },
    last: KEY_FLAGS,
    positionals: false,
  },
};

export const USAGE = `Usage: native-ner <command> [options]

Commands:
  extract --model DIR [options] [TEXT|FILE ...]     print the entities of each text as a JSON line
  eval --model DIR (--conll FILE | --jsonl FILE)    score the model on a labelled dataset (--pii FILE: redaction)
  redact --model DIR [options] [TEXT|FILE ...]      rewrite the entities of each text (replace, mask, hash, ...)
  calibrate --model DIR --conll FILE                fit temperature scaling of the scores on a labelled dev set
  profile --model DIR [FILE ...] > baseline.json    write a drift baseline of the model on these texts
  drift --model DIR --baseline FILE [FILE ...]      compare texts with a baseline; exit 1 on a drift alert
  serve --model DIR [--port N]                      serve POST /extract, POST /redact, GET /healthz and GET /metrics
  worker --model DIR --redis URL --stream IN --group G
                                                    consume a Redis stream in a consumer group, results to another

\`native-ner <command> --help\` lists the command's options.`;

export function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

/** An option a command takes as a flag. */
export interface FlaggedOption {
  scope: FlagScope;
  name: string;
  spec: OptionSpec;
  cli: OptionFlag;
}

/**
 * The redact options `serve` takes, as /redact's defaults: the operators. Per-request choices (scores, allow-lists,
 * pseudonym scope) stay with the request.
 */
const SERVE_REDACT_OPTIONS: readonly string[] = ['operators'];

/**
 * The options `command` takes as flags, in help order. `serve` takes only the extract options marked for it and the
 * redact options of SERVE_REDACT_OPTIONS.
 */
export function flaggedOptions(command: CommandName): FlaggedOption[] {
  return COMMANDS[command].scopes.flatMap((scope) =>
    optionNames(scope).flatMap((name) => {
      const spec = optionSpec(scope, name);
      if (command === 'serve' && scope === 'extract' && !spec.cli?.serve) return [];
      if (command === 'serve' && scope === 'redact' && !SERVE_REDACT_OPTIONS.includes(name)) return [];
      // calibrate fits on the raw logits, which no calibration file changes.
      if (command === 'calibrate' && name === 'calibration') return [];
      return spec.cli ? [{ scope, name, spec, cli: spec.cli }] : [];
    }),
  );
}

const ARG_OF_TYPE: Record<OptionSpec['type'], string> = {
  integer: 'N',
  number: 'X',
  boolean: '',
  string: 'VALUE',
  choice: 'NAME',
  strings: 'A,B',
  rules: 'FILE',
  operators: 'LABEL=OP',
  scores: 'LABEL=X,...',
  keys: '',
  pseudonyms: 'SCOPE',
  monitor: '',
};

/** The help of `command`: its synopsis, what it does, and every flag, options with their defaults. */
export function usageOf(command: CommandName): string {
  const spec = COMMANDS[command];
  const own = ([flag, { arg, help }]: [string, OwnFlag]): [string, string] => [`--${flag}${arg ? ` ${arg}` : ''}`, help];
  const rows: [string, string][] = [
    own(['model', MODEL_FLAG]),
    ...Object.entries(spec.first).map(own),
    ...flaggedOptions(command).map(({ spec: option, cli }): [string, string] => {
      const arg = option.type === 'boolean' ? '' : ` ${cli.arg ?? ARG_OF_TYPE[option.type]}`;
      const fallback = option.default ?? option.defaultText;
      return [`${cli.flag}${arg}`, fallback === undefined ? cli.help : `${cli.help} (default ${fallback})`];
    }),
    ...Object.entries(spec.last).map(own),
    ['-h, --help', 'show this help'],
  ];
  const width = Math.max(21, ...rows.map(([left]) => left.length + 1));
  const lines = rows.map(([left, help]) => `  ${left.padEnd(width)}${help.split('\n').join(`\n  ${' '.repeat(width)}`)}`);
  return `Usage: ${spec.synopsis}\n\n${spec.about}\n\nOptions:\n${lines.join('\n')}`;
}

/** The value of an option flag, checked by the table: a wrong one is a UsageError naming the flag and the range. */
function fromFlag({ name, spec, cli }: FlaggedOption, raw: string | boolean | string[]): unknown {
  let value: unknown = raw;
  // LABEL=VALUE pairs: repeated flags (operators) or one comma-separated list (scores).
  const pairs = (items: string[]) =>
    Object.fromEntries(
      items.map((item) => {
        const equals = item.indexOf('=');
        if (equals <= 0) throw new NerError('ERR_INVALID_ARGUMENT', `'${item}' is not LABEL=VALUE`);
        return [item.slice(0, equals).trim(), item.slice(equals + 1)];
      }),
    );
  try {
    if (typeof raw === 'string' && (spec.type === 'integer' || spec.type === 'number')) {
      value = raw.trim() === '' ? Number.NaN : Number(raw);
    } else if (typeof raw === 'string' && spec.type === 'strings') {
      value = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    } else if (spec.type === 'operators') {
      value = pairs(Array.isArray(raw) ? raw : [String(raw)]);
    } else if (typeof raw === 'string' && spec.type === 'scores') {
      const scores = pairs(raw.split(',').filter((s) => s.trim() !== ''));
      value = Object.fromEntries(Object.entries(scores).map(([label, x]) => [label, x.trim() === '' ? Number.NaN : Number(x)]));
    }
    return checkValue(spec, name, value);
  } catch (error) {
    if (error instanceof TypeError || error instanceof NerError) {
      const why = spec.type === 'operators' ? `: ${error.message}` : '';
      throw new UsageError(`${cli.flag} needs ${describeValue(spec)}, got '${raw}'${why}`);
    }
    throw error;
  }
}

/** A command line, parsed and checked. */
export interface CommandLine {
  help: false;
  /** The model directory (--model). */
  model: string;
  /** The options given as flags, by group: the model's load options, extract options, service limits, redaction's. */
  options: { model: LoadOptions; extract: ExtractOptions; serve: ServeOptions; redact: OptionValues<'redact'>; worker: WorkerOptions };
  /** The command's own flags (not options), by name without the dashes. */
  flags: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses the arguments of `command` (after its name). Unknown flags and missing values throw parseArgs' errors
 * (code ERR_PARSE_ARGS_*), a missing --model or a flag value out of its option's range a UsageError. With
 * --help, nothing else is checked.
 */
export function parseCommandLine(command: CommandName, args: string[]): CommandLine | { help: true } {
  const spec = COMMANDS[command];
  const flagged = flaggedOptions(command);
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    model: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const [flag, { type }] of Object.entries({ ...spec.first, ...spec.last })) config[flag] = { type };
  for (const { spec: option, cli } of flagged) {
    config[cli.flag.slice(2)] = { type: option.type === 'boolean' ? 'boolean' : 'string', multiple: option.type === 'operators' };
  }
  const { values, positionals } = parseArgs({ args, options: config, allowPositionals: spec.positionals, strict: true });
  if (values.help) return { help: true };
  if (typeof values.model !== 'string' || values.model === '') throw new UsageError('--model DIR is required');

  const options: CommandLine['options'] = { model: {}, extract: {}, serve: {}, redact: {}, worker: {} };
  for (const option of flagged) {
    const raw = values[option.cli.flag.slice(2)];
    if (raw === undefined) continue;
    (options[option.scope] as Record<string, unknown>)[option.name] = fromFlag(option, raw as string | boolean | string[]);
  }
  const flags: CommandLine['flags'] = {};
  for (const flag of Object.keys({ ...spec.first, ...spec.last })) flags[flag] = values[flag] as string | boolean | undefined;
  return { help: false, model: values.model, options, flags, positionals };
}
