// Every option of the table (lib/options.ts) reaches the engine: each extract option at its bounds and choices is
// taken by ner.extract of the heads it applies to (and refused, naming the head, by the other), each load option by
// NativeNer.load, each stream option by extractStream. The checks themselves are walked in unit/options.test.ts.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Monitor, NativeNer, NerError } from '../lib';
import { maxOf, optionNames, optionSpec, type OptionSpec } from '../lib/options';
import { CONLL_MODEL, SHARED, useModel } from './helpers';

const SPAN_MODEL = join(SHARED, 'models', 'genia-span-small');
const TEXTS = ['John Smith works at Google in New York.', 'IL-2 gene expression requires NF-kappa B .'];

/** Values an option takes: its bounds and choices; `ner` answers what depends on the model. */
function samples(name: string, spec: OptionSpec, ner: NativeNer): unknown[] {
  switch (spec.type) {
    case 'integer':
      // The model's window bounds the stride further: it must be below the window's text tokens.
      return [spec.min, name === 'stride' ? ner.info.maxTokens - 3 : maxOf(spec)];
    case 'number':
      return spec.exclusive ? [spec.min + 1e-6, spec.max - 1e-6] : [spec.min, spec.max];
    case 'boolean':
      return [true, false];
    case 'choice':
      return [...spec.choices];
    case 'string':
      return name === 'modelFile' ? ['model.onnx'] : name === 'ortLibraryPath' ? [ner.info.ortLibraryPath] : ['x'];
    case 'strings':
      return [[], ner.info.entityTypes.slice(0, 1)];
    case 'rules':
      return [{ builtins: ['EMAIL'] }, { lists: [{ label: 'ORG', phrases: ['Acme Corp'] }] }];
    case 'monitor':
      return [new Monitor()];
  }
}

/** The call's outcome: 'ok', or the error it failed with. */
const outcome = (call: Promise<unknown>) =>
  call.then(
    () => 'ok' as const,
    (error: unknown) => error as Error,
  );

/** Taken by the checks: the call ran, or failed for what the value asked (a deadline, a length), not as invalid. */
function expectTaken(result: 'ok' | Error, context: string): void {
  if (result === 'ok') return;
  expect(result, context).toBeInstanceOf(NerError);
  expect((result as NerError).code, `${context}: ${result.message}`).not.toBe('ERR_INVALID_ARGUMENT');
}

describe('every option of the table reaches the engine', () => {
  const models = { token: useModel(CONLL_MODEL), span: useModel(SPAN_MODEL) };

  it.each(optionNames('extract'))('extract option %s', async (name) => {
    const spec = optionSpec('extract', name);
    for (const head of ['token', 'span'] as const) {
      const ner = models[head]();
      for (const value of samples(name, spec, ner)) {
        const context = `${head} model, ${name} = ${JSON.stringify(value)}`;
        const result = await outcome(ner.extract(TEXTS, { [name]: value }));
        if (spec.head === undefined || spec.head === head) {
          expectTaken(result, context);
        } else {
          expect(result, context).toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
          expect((result as Error).message).toMatch(head === 'span' ? /this is a span model/ : /this is a token classifier/);
        }
      }
    }
  });

  it('load options, all at their lower and at their upper bounds', async () => {
    for (const end of [0, 1]) {
      const options: Record<string, unknown> = {};
      for (const name of optionNames('model')) {
        const values = samples(name, optionSpec('model', name), models.token());
        options[name] = values[end === 0 ? 0 : values.length - 1];
      }
      const ner = await NativeNer.load(CONLL_MODEL, options).catch((e: unknown) => e as Error);
      if (ner instanceof NativeNer) {
        expect((await ner.extract(TEXTS[0])).map((e) => e.text)).toContain('John Smith');
        await ner.dispose();
      } else {
        // Only a missing GPU may refuse device 'cuda'; the upper bounds ask for 'auto', which falls back to the CPU.
        expectTaken(ner, JSON.stringify(options));
      }
    }
    expect(optionSpec('model', 'intraOpThreads')).toMatchObject({ max: 'cpus' });
    expect(maxOf(optionSpec('model', 'intraOpThreads') as { type: 'integer'; min: number; max: 'cpus' })).toBe(availableParallelism());
  });

  it.each(optionNames('stream'))('stream option %s', async (name) => {
    const ner = models.token();
    for (const value of samples(name, optionSpec('stream', name), ner)) {
      const results = [];
      for await (const result of ner.extractStream(TEXTS, { [name]: value })) results.push(result.text);
      expect(results).toEqual(TEXTS);
    }
  });
});
