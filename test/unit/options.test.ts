// Walks the option table (lib/options.ts): every option is accepted at its bounds and rejected just past them with
// the documented error, unknown names are refused, the head lists and service limits come from the table, and every
// option with a CLI flag is parsed, range-checked and listed by the commands that take it. No model needed.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { flaggedOptions, parseCommandLine, usageOf, UsageError, type CommandName } from '../../lib/commands';
import { NerError } from '../../lib/errors';
import {
  checkExtractOptions,
  checkRedactOptions,
  checkModelOptions,
  checkOptionsForHead,
  checkServeOptions,
  checkStreamOptions,
  checkWorkerOptions,
  describeValue,
  maxOf,
  OPTIONS,
  optionNames,
  optionSpec,
  REQUEST_BOUNDS,
  SERVE_LIMITS,
  SPAN_ONLY_KEYS,
  TOKEN_ONLY_KEYS,
  type OptionScope,
  type OptionSpec,
} from '../../lib/options';

const SCOPES = Object.keys(OPTIONS) as OptionScope[];
const ALL = SCOPES.flatMap((scope) => optionNames(scope).map((name) => ({ scope, name, spec: optionSpec(scope, name) })));
const COMMANDS: CommandName[] = ['extract', 'eval', 'serve', 'redact', 'calibrate', 'worker'];

/**
 * Checks `options` as the API does for `scope` and returns the checked value of `name`. Service limits that must
 * agree with each other get a partner that does (a headers timeout at most the request timeout).
 */
function check(scope: OptionScope, name: string, value: unknown): unknown {
  const options = { [name]: value };
  switch (scope) {
    case 'extract':
      expect(checkModelOptions(options).defaults).toEqual(checkExtractOptions(options)); // as model defaults too
      return (checkExtractOptions(options) as Record<string, unknown>)[name];
    case 'model':
      return (checkModelOptions(options).model as Record<string, unknown>)[name];
    case 'stream':
      return (checkStreamOptions(options) as unknown as Record<string, unknown>)[name];
    case 'redact':
      return (checkRedactOptions(options).redact as Record<string, unknown>)[name];
    case 'serve': {
      const partner =
        name === 'headersTimeoutMs'
          ? { requestTimeoutMs: SERVE_LIMITS.requestTimeoutMs.max }
          : name === 'requestTimeoutMs'
            ? { headersTimeoutMs: SERVE_LIMITS.headersTimeoutMs.min }
            : {};
      return (checkServeOptions({ ...partner, ...options }) as Record<string, unknown>)[name];
    }
    case 'worker':
      return (checkWorkerOptions(options) as Record<string, unknown>)[name];
  }
}

/** The error `check` throws for `value` (the test fails if it accepts it). */
function failure(scope: OptionScope, name: string, value: unknown): Error {
  try {
    check(scope, name, value);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`${scope} option ${name} accepted ${String(value)}`);
}

/** Values the spec accepts: its bounds, every choice. */
function accepted(spec: OptionSpec): unknown[] {
  switch (spec.type) {
    case 'integer':
      return [spec.min, maxOf(spec)];
    case 'number':
      return spec.exclusive ? [spec.min + 1e-9, spec.max - 1e-9] : [spec.min, spec.max];
    case 'boolean':
      return [true, false];
    case 'string':
      return ['x'];
    case 'choice':
      return [...spec.choices];
    case 'strings':
      return [[], ['PER', 'LOC']];
    case 'rules':
      return ['rules.json']; // rules objects and loaded Rules: test/rules.test.ts (they need the addon)
    case 'operators': // in their checked (object) form; the short forms: the parseOperator tests below
      return [{}, { PER: { type: 'mask', char: '#', keepLast: 4 } }, { '*': { type: 'hash', length: 64 } }];
    case 'scores':
      return [{}, { PER: 0, LOC: 1 }];
    case 'keys':
      return [{}, { hash: new Uint8Array(32), encrypt: new Uint8Array(32) }, { hash: new Uint8Array(64) }];
    case 'pseudonyms': // and a PseudonymMap: test/redaction.test.ts (it needs the addon)
      return ['text', 'call'];
    case 'monitor': // a Monitor: test/drift.test.ts (it needs the addon)
      return [];
  }
}

/** Values of the right type the spec refuses (NerError ERR_INVALID_ARGUMENT), with the message each gets. */
function outOfRange(name: string, spec: OptionSpec): [unknown, string][] {
  switch (spec.type) {
    case 'integer': {
      const max = maxOf(spec);
      const range = `${name} must be an integer from ${spec.min} to ${max}, got`;
      const over = spec.max === 'cpus' ? `${name} must be at most this machine's ${max} CPUs (0: ONNX Runtime's default), got` : range;
      return [
        [spec.min - 1, `${range} ${spec.min - 1}`],
        [max + 1, `${over} ${max + 1}`],
        [spec.min + 0.5, `${range} ${spec.min + 0.5}`],
        [Number.NaN, `${range} NaN`],
      ];
    }
    case 'number': {
      const range = spec.exclusive ? `between ${spec.min} and ${spec.max}, exclusive` : `from ${spec.min} to ${spec.max}`;
      const below = spec.exclusive ? spec.min : spec.min - 1e-9;
      const above = spec.exclusive ? spec.max : spec.max + 1e-9;
      return [below, above, Number.NaN, Number.POSITIVE_INFINITY].map((v) => [v, `${name} must be ${range}, got ${v}`]);
    }
    case 'boolean':
    case 'strings':
    case 'rules':
    case 'monitor':
      return [];
    case 'operators':
      return [
        [{ PER: 'hash:7' }, `${name}.PER.length must be an integer from 8 to 64, got 7`],
        [{ PER: { type: 'mask', char: 'ab' } }, `${name}.PER.char must be one character, got 'ab'`],
        [{ PER: 'blur' }, `${name}.PER 'blur' is not an operator; expected one of replace[:TEXT], mask[:CHAR[:N]], remove, hash[:DIGITS], pseudonym, encrypt, keep`],
        [{ PER: { type: 'remove', with: 'x' } }, `unknown ${name}.PER (remove) field 'with'; known: type`],
      ];
    case 'scores':
      return [[{ PER: 1.5 }, `${name}.PER must be from 0 to 1, got 1.5`]];
    case 'keys':
      return [
        [{ hash: new Uint8Array(31) }, `${name}.hash must be at least 32 bytes, got 31`],
        [{ encrypt: new Uint8Array(33) }, `${name}.encrypt must be 32 bytes (AES-256), got 33`],
      ];
    case 'pseudonyms':
      return [['nope', `unknown ${name} 'nope'; expected text, call or a PseudonymMap`]];
    case 'string':
      return [['', `${name} must not be empty`]];
    case 'choice':
      return [['nope', `unknown ${name} 'nope'; expected one of ${spec.choices.join(', ')}`]];
  }
}

/** Values of a wrong type (TypeError). */
function wrongType(spec: OptionSpec): unknown[] {
  switch (spec.type) {
    case 'integer':
    case 'number':
      return ['1', null, true];
    case 'boolean':
      return ['true', 1, null];
    case 'string':
    case 'choice':
      return [1, null, ['x']];
    case 'strings':
      return ['PER', [1], null];
    case 'rules':
      return ['', 1, null, ['x']];
    case 'operators':
      return ['mask', null, [], { PER: 1 }, { PER: { type: 1 } }];
    case 'scores':
      return ['PER=1', null, { PER: '1' }];
    case 'keys':
      return ['key', null, { hash: 'a passphrase of more than thirty-two characters' }];
    case 'pseudonyms':
      return [1, null, ['text']];
    case 'monitor':
      return ['monitor', 1, null, []];
  }
}

describe('the option table', () => {
  it('documents a default for every option, and a given default is a value the option accepts', () => {
    for (const { scope, name, spec } of ALL) {
      expect(spec.default !== undefined || spec.defaultText !== undefined, `${scope}.${name}`).toBe(true);
      if (spec.default !== undefined) expect(check(scope, name, spec.default), `${scope}.${name}`).toEqual(spec.default);
    }
  });

  it.each(ALL.map((o) => [`${o.scope}.${o.name}`, o] as const))('accepts %s at its bounds', (_, { scope, name, spec }) => {
    for (const value of accepted(spec)) expect(check(scope, name, value)).toEqual(value);
    // Not given is not set (stream, service and worker options fall back to their defaults).
    expect(check(scope, name, undefined)).toEqual(['stream', 'serve', 'worker'].includes(scope) ? spec.default : undefined);
  });

  it.each(ALL.map((o) => [`${o.scope}.${o.name}`, o] as const))('rejects %s just past its bounds', (_, { scope, name, spec }) => {
    for (const [value, message] of outOfRange(name, spec)) {
      const error = failure(scope, name, value);
      expect(error, `${name} = ${String(value)}`).toBeInstanceOf(NerError);
      expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message });
    }
    for (const value of wrongType(spec)) expect(failure(scope, name, value), `${name} = ${String(value)}`).toBeInstanceOf(TypeError);
  });

  it('bounds ONNX Runtime threads by the CPUs, naming them', () => {
    const cpus = availableParallelism();
    for (const name of ['intraOpThreads', 'interOpThreads'] as const) {
      expect(check('model', name, cpus)).toBe(cpus);
      expect(failure('model', name, cpus + 1).message).toContain(`this machine's ${cpus} CPUs`);
    }
  });

  it('agrees with the ranges the rest of the project documents', () => {
    expect(OPTIONS.extract.batchSize).toMatchObject({ min: 1, max: 4096, default: 64 });
    expect(OPTIONS.model.workerThreads).toMatchObject({ min: 0, max: 64 });
    expect(OPTIONS.model.intraOpThreads).toMatchObject({ min: 0, max: 'cpus' });
    expect(OPTIONS.model.interOpThreads).toMatchObject({ min: 0, max: 'cpus' });
    expect(OPTIONS.stream).toMatchObject({ chunkSize: { default: 256 }, concurrency: { default: 2 } });
  });

  it('refuses unknown names, naming the known ones, and options of another group', () => {
    const unknown = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error as NerError;
      }
      throw new Error('accepted an unknown option');
    };
    const extract = optionNames('extract');
    const model = [...extract, ...optionNames('model')];
    expect(unknown(() => checkExtractOptions({ agregation: 'simple' }))).toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: `unknown extract option 'agregation'; known: ${extract.join(', ')}`,
    });
    expect(unknown(() => checkModelOptions({ threads: 2 })).message).toBe(`unknown model option 'threads'; known: ${model.join(', ')}`);
    expect(unknown(() => checkServeOptions({ maxBody: 5 })).message).toMatch(/^unknown serve option 'maxBody'; known: maxBodyBytes, /);
    // Each group's names belong to it alone (a model option is no extract option, a limit no model option).
    expect(unknown(() => checkExtractOptions({ modelFile: 'model.onnx' })).code).toBe('ERR_INVALID_ARGUMENT');
    expect(unknown(() => checkExtractOptions({ chunkSize: 5 })).code).toBe('ERR_INVALID_ARGUMENT');
    expect(unknown(() => checkModelOptions({ maxBodyBytes: 5 })).code).toBe('ERR_INVALID_ARGUMENT');
    // extractStream passes what is not its own to extract, which refuses unknown names.
    const { extract: rest } = checkStreamOptions({ chunkSize: 5, noSuchOption: 1 } as never);
    expect(rest).toEqual({ noSuchOption: 1 });
    expect(unknown(() => checkExtractOptions(rest)).code).toBe('ERR_INVALID_ARGUMENT');
    for (const fn of [checkExtractOptions, checkModelOptions, checkServeOptions]) {
      expect(unknown(() => fn(null))).toBeInstanceOf(TypeError);
      expect(unknown(() => fn([]))).toBeInstanceOf(TypeError);
      expect(unknown(() => fn('batchSize'))).toBeInstanceOf(TypeError);
    }
  });

  it('returns only the options given, lists copied', () => {
    const labels = ['PER'];
    const checked = checkExtractOptions({ labels, batchSize: undefined, minScore: 0.5 });
    expect(checked).toEqual({ labels: ['PER'], minScore: 0.5 });
    expect(checked.labels).not.toBe(labels);
    expect(checkModelOptions({ aggregation: 'max', workerThreads: 2 })).toEqual({
      model: { workerThreads: 2 },
      defaults: { aggregation: 'max' },
    });
    expect(checkModelOptions(undefined)).toEqual({ model: {}, defaults: {} });
  });

  it('refuses a headers timeout over the request timeout', () => {
    expect(() => checkServeOptions({ headersTimeoutMs: 5000, requestTimeoutMs: 1000 })).toThrow(/headersTimeoutMs.*requestTimeoutMs/);
  });
});

describe('options for one model head', () => {
  it('lists the token-only and span-only extract options from the table', () => {
    expect(TOKEN_ONLY_KEYS).toEqual(['aggregation', 'decoding', 'repair', 'scheme']);
    expect(SPAN_ONLY_KEYS).toEqual(['spanMode', 'spanThreshold']);
  });

  it.each(optionNames('extract'))('refuses %s for the head it does not apply to, and only that one', (name) => {
    const spec = optionSpec('extract', name);
    const options = { [name]: accepted(spec)[0] };
    for (const head of ['token', 'span'] as const) {
      const run = () => checkOptionsForHead(options, head, 'extract option');
      if (spec.head === undefined || spec.head === head) {
        expect(run).not.toThrow();
      } else {
        expect(run).toThrow(NerError);
        expect(run).toThrow(head === 'span' ? /^extract option .*: this is a span model/ : /^extract option .*: this is a token classifier/);
      }
    }
  });
});

describe('service limits', () => {
  it('are the numeric serve entries of the table, in table order; the others are settings with a default or none', () => {
    const numeric = optionNames('serve').filter((name) => ['integer', 'number'].includes(optionSpec('serve', name).type));
    expect(Object.keys(SERVE_LIMITS)).toEqual(numeric);
    for (const name of numeric) {
      const { default: fallback, min, max, cli } = OPTIONS.serve[name] as { default: number; min: number; max: number; cli: { flag: string; help: string } };
      expect(SERVE_LIMITS[name as keyof typeof SERVE_LIMITS]).toEqual({ default: fallback, min, max, flag: cli.flag, help: cli.help });
    }
    // Every option not given takes its default; the request log has none, so it stays off.
    const defaults = Object.fromEntries(optionNames('serve').map((name) => [name, optionSpec('serve', name).default]));
    expect(checkServeOptions(undefined)).toEqual(defaults);
    expect(defaults).toMatchObject({ requestLog: undefined, logTexts: false });
  });

  it("bound extract options whose own range holds the limit's", () => {
    expect(REQUEST_BOUNDS).toEqual([
      { limit: 'maxStride', option: 'stride', over: 'refuse' },
      { limit: 'maxWindows', option: 'maxWindows', over: 'lower' },
      { limit: 'extractTimeoutMs', option: 'timeoutMs', over: 'lower' },
    ]);
    for (const { limit, option } of REQUEST_BOUNDS) {
      const bounded = optionSpec('extract', option);
      expect(bounded.type).toBe('integer');
      if (bounded.type !== 'integer') continue;
      expect(SERVE_LIMITS[limit].min).toBeGreaterThanOrEqual(bounded.min);
      expect(SERVE_LIMITS[limit].max).toBeLessThanOrEqual(maxOf(bounded));
    }
  });
});

/** The value to write on the command line for `value`, and what parsing it must give. */
function onCommandLine(spec: OptionSpec, value: unknown): { raw: string[]; parsed: unknown } {
  if (spec.type === 'boolean') return { raw: [], parsed: true };
  if (spec.type === 'scores') {
    const entries = Object.entries(value as Record<string, number>);
    return { raw: entries.length === 0 ? [] : [entries.map(([l, x]) => `${l}=${x}`).join(',')], parsed: value };
  }
  if (spec.type === 'operators') {
    // One LABEL=OP per flag, in the short form.
    const short = (op: Record<string, unknown>) => [op.type, op.char, op.keepLast, op.length].filter((p) => p !== undefined).join(':');
    const entries = Object.entries(value as Record<string, Record<string, unknown>>);
    return { raw: entries.map(([label, op]) => `${label}=${short(op)}`), parsed: value };
  }
  if (spec.type === 'strings') return { raw: [(value as string[]).join(',')], parsed: value };
  return { raw: [String(value)], parsed: value };
}

describe('CLI flags', () => {
  const flagged = COMMANDS.flatMap((command) => flaggedOptions(command).map((option) => ({ command, ...option })));

  it('reach every option that has a flag, from the commands of its group', () => {
    const withFlags = ALL.filter(({ spec }) => spec.cli).map(({ scope, name }) => `${scope}.${name}`);
    expect([...new Set(flagged.map(({ scope, name }) => `${scope}.${name}`))].sort()).toEqual(withFlags.sort());
    const scopes = (command: CommandName) => [...new Set(flaggedOptions(command).map((o) => o.scope))];
    expect(scopes('extract')).toEqual(['model', 'extract']);
    expect(scopes('eval')).toEqual(['model', 'extract']);
    expect(scopes('serve')).toEqual(['model', 'extract', 'redact', 'serve']);
    expect(scopes('redact')).toEqual(['model', 'extract', 'redact']);
    expect(scopes('worker')).toEqual(['model', 'extract', 'redact', 'worker']);
    // calibrate fits raw logits: the model's load options, without the calibration file it writes.
    expect(scopes('calibrate')).toEqual(['model']);
    expect(flaggedOptions('calibrate').map((o) => o.name)).not.toContain('calibration');
    // serve takes only the extract options marked for it, as the served model's defaults, and /redact's operators.
    const serveExtract = flaggedOptions('serve').filter((o) => o.scope === 'extract').map((o) => o.cli.flag);
    expect(serveExtract).toEqual(['--rules', '--segment', '--line-breaks']);
    expect(flaggedOptions('serve').filter((o) => o.scope === 'redact').map((o) => o.cli.flag)).toEqual(['--operator']);
  });

  it.each(flagged.map((o) => [`${o.command} ${o.cli.flag}`, o] as const))('%s parses at its bounds and refuses past them', (_, o) => {
    const { command, scope, name, spec, cli } = o;
    for (const value of accepted(spec)) {
      const { raw, parsed } = onCommandLine(spec, value);
      if (raw.length === 0 && spec.type !== 'boolean') continue; // nothing to write: none given
      const args = spec.type === 'boolean' ? [cli.flag] : raw.flatMap((r) => [cli.flag, r]);
      const line = parseCommandLine(command, ['--model', 'm', ...args]);
      expect(line.help).toBe(false);
      if (line.help) continue;
      expect((line.options[scope] as Record<string, unknown>)[name]).toEqual(parsed);
    }
    const past = [...outOfRange(name, spec).map(([value]) => value), ...(spec.type === 'integer' || spec.type === 'number' ? ['x', ''] : [])];
    for (const value of past) {
      const raw = String(value);
      const run = () => parseCommandLine(command, ['--model', 'm', `${cli.flag}=${raw}`]);
      expect(run).toThrow(UsageError);
      expect(run).toThrow(`${cli.flag} needs ${describeValue(spec)}, got '${raw}'`);
    }
  });

  it.each(flagged.map((o) => [`${o.command} ${o.cli.flag}`, o] as const))('%s is listed in the help with its default', (_, o) => {
    const fallback = o.spec.default ?? o.spec.defaultText;
    const line = usageOf(o.command)
      .split('\n')
      .find((l) => l.startsWith(`  ${o.cli.flag} `));
    expect(line).toBeDefined();
    expect(line).toContain(`${o.cli.help} (default ${fallback})`);
    if (o.spec.type === 'choice') for (const choice of o.spec.choices) expect(line).toContain(choice);
  });

  it.each(COMMANDS)('%s lists each flag once and parses no flag twice', (command) => {
    const flags = usageOf(command)
      .split('\n')
      .filter((l) => /^ {2}-/.test(l))
      .map((l) => l.trim().split(/\s/)[0].replace(/,$/, ''));
    expect(flags.length).toBeGreaterThan(3);
    expect(new Set(flags).size).toBe(flags.length);
    for (const { cli } of flaggedOptions(command)) expect(flags).toContain(cli.flag);
  });

  it('keeps the flags serve always had, with their defaults', () => {
    const usage = usageOf('serve');
    for (const line of [
      '--max-body-bytes N     largest request body, in bytes (default 1048576)',
      '--max-texts N          most texts in one request (default 1000)',
      '--max-stride N         largest options.stride a request may ask for (default 256)',
      '--shutdown-grace-ms N  ms requests in flight get on SIGTERM/SIGINT (default 10000)',
      '--model-file FILE',
      '--threads N',
      '--port N',
      '--host ADDR',
    ]) {
      expect(usage).toContain(line);
    }
  });

  it('asks for --model, refuses unknown flags, and answers --help without checking the rest', () => {
    expect(() => parseCommandLine('extract', ['text'])).toThrow(new UsageError('--model DIR is required'));
    expect(() => parseCommandLine('extract', ['--model', 'm', '--modle', 'x'])).toThrow(
      expect.objectContaining({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' }),
    );
    expect(() => parseCommandLine('serve', ['--model', 'm', 'stray'])).toThrow(
      expect.objectContaining({ code: 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' }),
    );
    expect(parseCommandLine('eval', ['--help'])).toEqual({ help: true });
    expect(parseCommandLine('serve', ['-h', '--max-stride=-1'])).toEqual({ help: true });
  });

  it("keeps each command's own flags beside the options", () => {
    const extract = parseCommandLine('extract', ['--model', 'm', '--jsonl', '--batch-size', '8', 'a.txt', 'b']);
    expect(extract).toEqual({
      help: false,
      model: 'm',
      options: { model: {}, extract: { batchSize: 8 }, serve: {}, redact: {}, worker: {} },
      flags: { jsonl: true },
      positionals: ['a.txt', 'b'],
    });
    const evaluation = parseCommandLine('eval', ['--model', 'm', '--conll', 'x.conll', '--json', '--aggregation', 'max']);
    expect(evaluation).toMatchObject({ flags: { conll: 'x.conll', jsonl: undefined, json: true }, options: { extract: { aggregation: 'max' } } });
    const serve = parseCommandLine('serve', ['--model', 'm', '--port', '0', '--threads', '1', '--max-texts', '5']);
    expect(serve).toMatchObject({ flags: { port: '0', host: undefined }, options: { model: { intraOpThreads: 1 }, serve: { maxTexts: 5 } } });
    const worker = parseCommandLine('worker', ['--model', 'm', '--redis', 'redis://h:1', '--stream', 'in', '--group', 'g', '--redact', '--read-count', '8']);
    expect(worker).toMatchObject({ flags: { redis: 'redis://h:1', stream: 'in', group: 'g', redact: true, output: undefined }, options: { worker: { readCount: 8 } } });
  });
});
