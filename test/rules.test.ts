// Rules after the model (issue 12): every mode with the real model, overrides and allow-lists, sources and ids in
// extract and extractColumns, offsets on emoji and CJK text, setRules with calls in flight, bad rule files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules, NativeNer, NerError, type Entity } from '../lib';
import { CONLL_MODEL } from './helpers';

const TEXT = 'John Smith works at Acme Corp in New York and wrote to the IRS from john@acme.com with card 4111 1111 1111 1111.';
const shown = (es: Entity[]) => es.map((e) => `${e.text}/${e.label}/${e.source}`);

let ner: NativeNer;
beforeAll(async () => {
  ner = await NativeNer.load(CONLL_MODEL);
});
afterAll(async () => {
  await ner.dispose();
});

describe('rules', () => {
  it('without rules entities are unchanged (no source field)', async () => {
    const entities = await ner.extract(TEXT);
    expect(entities.every((e) => e.source === undefined)).toBe(true);
  });

  it('the seed cases: a list, the IRS override, emails and card numbers with checksums', async () => {
    const rules = {
      lists: [{ name: 'companies', label: 'ORG', mode: 'override', phrases: [{ text: 'Acme Corp', id: 'Q1' }] }],
      overrides: { IRS: 'ORG' },
      builtins: ['EMAIL', 'CREDIT_CARD'],
    };
    const entities = await ner.extract(TEXT, { rules });
    const got = shown(entities);
    expect(got).toContain('Acme Corp/ORG/companies');
    expect(got).toContain('IRS/ORG/overrides');
    expect(got).toContain('john@acme.com/EMAIL/EMAIL');
    expect(got).toContain('4111 1111 1111 1111/CREDIT_CARD/CREDIT_CARD');
    expect(got).toContain('John Smith/PER/model');
    expect(entities.find((e) => e.text === 'Acme Corp')?.id).toBe('Q1');
    const bad = await ner.extract('card 4111 1111 1111 1112', { rules });
    expect(bad.some((e) => e.label === 'CREDIT_CARD')).toBe(false);
    for (const e of entities) expect(TEXT.slice(e.start, e.end)).toBe(e.text);
  });

  it('modes: override replaces, fill only where the model found nothing, veto removes', async () => {
    const model = await ner.extract(TEXT);
    expect(model.some((e) => e.text === 'New York')).toBe(true);
    const list = (mode: string) => ({ lists: [{ name: 'l', label: 'MISC', mode, phrases: ['New York', 'wrote'] }] });
    const override = shown(await ner.extract(TEXT, { rules: list('override') }));
    expect(override).toContain('New York/MISC/l');
    expect(override).toContain('wrote/MISC/l');
    const fill = shown(await ner.extract(TEXT, { rules: list('fill') }));
    expect(fill).toContain('New York/LOC/model');
    expect(fill).toContain('wrote/MISC/l');
    const veto = shown(await ner.extract(TEXT, { rules: list('veto') }));
    expect(veto.some((s) => s.startsWith('New York/'))).toBe(false);
    expect(veto.some((s) => s.startsWith('wrote/'))).toBe(false);
    const allow = shown(await ner.extract(TEXT, { rules: { allow: ['john smith'] } }));
    expect(allow.some((s) => s.startsWith('John Smith/'))).toBe(false);
  });

  it('extractColumns carries sources and ids as columns', async () => {
    const rules = await loadRules({ lists: [{ name: 'companies', label: 'ORG', mode: 'override', phrases: [{ text: 'Acme Corp', id: 'Q1' }] }] });
    const columns = await ner.extractColumns([TEXT, 'Nothing here.'], { rules });
    expect(columns.sources).toBeInstanceOf(Int32Array);
    const k = Array.from(columns.starts).findIndex((s, i) => TEXT.slice(s, columns.ends[i]) === 'Acme Corp');
    expect(columns.sourceNames?.[columns.sources![k]]).toBe('companies');
    expect(columns.idNames?.[columns.ids![k]]).toBe('Q1');
    expect(columns.labelNames[columns.labels[k]]).toBe('ORG');
  });

  it('offsets of rule entities on emoji and CJK text', async () => {
    const text = '😀👍🏽 東京のAcme Corp 😀 mail 🍎 a.b@example.org 2024-01-15 😀';
    const rules = { lists: [{ label: 'ORG', mode: 'override', phrases: ['Acme Corp', '東京'] }], builtins: ['EMAIL', 'DATE'] };
    const entities = await ner.extract(text, { rules });
    const fromRules = entities.filter((e) => e.source !== 'model');
    expect(fromRules.map((e) => e.text)).toEqual(['東京', 'Acme Corp', 'a.b@example.org', '2024-01-15']);
    for (const e of entities) expect(text.slice(e.start, e.end)).toBe(e.text);
  });

  it('setRules swaps atomically: calls in flight keep the set they started with', async () => {
    const model = await NativeNer.load(CONLL_MODEL, { rules: { lists: [{ name: 'first', label: 'ORG', mode: 'override', phrases: ['wrote'] }] } });
    try {
      const texts = Array.from({ length: 200 }, (_, i) => `Person ${i} wrote to Acme Corp.`);
      const inFlight = model.extract(texts);
      await model.setRules({ lists: [{ name: 'second', label: 'ORG', mode: 'override', phrases: ['wrote'] }] });
      const after = model.extract(texts);
      const [a, b] = await Promise.all([inFlight, after]);
      expect(a.every((es) => es.some((e) => e.text === 'wrote' && e.source === 'first'))).toBe(true);
      expect(b.every((es) => es.some((e) => e.text === 'wrote' && e.source === 'second'))).toBe(true);
      await expect(model.setRules({ builtins: ['NOPE'] })).rejects.toThrow(NerError);
      const still = await model.extract('She wrote.');
      expect(still.some((e) => e.source === 'second')).toBe(true);
      await model.setRules(null);
      expect((await model.extract('She wrote.')).some((e) => e.source !== undefined)).toBe(false);
    } finally {
      await model.dispose();
    }
  });

  it('bad rule files fail with ERR_INVALID_ARGUMENT naming the file, line and entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-rules-'));
    const write = (name: string, body: string) => {
      writeFileSync(join(dir, name), body);
      return join(dir, name);
    };
    const expectError = async (path: string, text: string) => {
      const error = await loadRules(path).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(NerError);
      expect((error as NerError).code).toBe('ERR_INVALID_ARGUMENT');
      expect((error as NerError).message).toContain(text);
    };
    await expectError(write('a.json', '{\n "lists": [\n  {"label": "ORG",, }\n ]\n}'), 'a.json: line 3, column');
    await expectError(write('b.json', '{"patterns": [{"name": "p", "label": "X", "regex": "(?<=x)y"}]}'), 'patterns[0] "p": regex "(?<=x)y" does not compile');
    await expectError(write('c.json', '{"builtins": ["EMAIL", "PASSPORT"]}'), 'builtins[1] "PASSPORT": unknown built-in');
    write('p.txt', 'Acme Corp\n\nGlobex\n');
    await expectError(write('d.json', '{"lists": [{"label": "ORG", "file": "p.txt"}]}'), 'p.txt:2: empty phrase');
    await expectError(join(dir, 'missing.json'), 'missing.json');
    await expect(ner.extract('x', { rules: 42 as never })).rejects.toThrow(TypeError);
  });
});

// Mode constrain: the match is forced into the model's Viterbi decoding, which decodes the rest around it.
describe('rules: constrain', () => {
  const FLIGHT = 'He flew with Virgin Atlantic to Jersey and then visited Georgia Tech.';
  const list = (mode: string, label: string, phrase: string) => ({ lists: [{ name: 'l', label, mode, phrases: [{ text: phrase, id: 'X1' }] }] });
  const valid = (text: string, es: Entity[]) => {
    for (const e of es) expect(text.slice(e.start, e.end)).toBe(e.text);
    for (let i = 1; i < es.length; i++) expect(es[i].start).toBeGreaterThanOrEqual(es[i - 1].end);
  };

  it('a phrase the model mislabels comes out with the rule label; independent entities are unchanged', async () => {
    const model = shown(await ner.extract(FLIGHT)).map((e) => e.replace(/undefined$/, 'model'));
    expect(model).toContain('Virgin/ORG/model');
    expect(model).toContain('Atlantic/LOC/model');
    const entities = await ner.extract(FLIGHT, { rules: list('constrain', 'ORG', 'Virgin Atlantic') });
    valid(FLIGHT, entities);
    const got = shown(entities);
    expect(got).toContain('Virgin Atlantic/ORG/l');
    expect(got.filter((e) => !e.startsWith('Virgin'))).toEqual(
      model.filter((e) => !e.startsWith('Virgin') && !e.startsWith('Atlantic')),
    );
    const forced = entities.find((e) => e.text === 'Virgin Atlantic');
    expect(forced?.id).toBe('X1');
    expect(forced?.score).toBe(1);
  });

  it('the model decodes around the forced span: a cut entity is re-decoded, not dropped as override drops it', async () => {
    const override = shown(await ner.extract(FLIGHT, { rules: list('override', 'ORG', 'Georgia') }));
    const entities = await ner.extract(FLIGHT, { rules: list('constrain', 'ORG', 'Georgia') });
    valid(FLIGHT, entities);
    const got = shown(entities);
    expect(got).toContain('Georgia/ORG/l');
    expect(override.some((e) => e.startsWith('Tech/'))).toBe(false);
    expect(got).toContain('Tech/ORG/model');  // its own entity: the forced one is not continued
  });

  it('argmax, labels the model lacks and span splits behave as override; segmentation and long texts still force', async () => {
    for (const [label, options] of [
      ['ORG', { decoding: 'argmax' as const }],
      ['PRODUCT', {}],
    ] as const) {
      const constrain = await ner.extract(FLIGHT, { ...options, rules: list('constrain', label, 'Georgia') });
      const override = await ner.extract(FLIGHT, { ...options, rules: list('override', label, 'Georgia') });
      expect(constrain).toEqual(override);
    }
    const text = `${FLIGHT} ${'Nothing happened here today. '.repeat(60)}${FLIGHT}`;
    const rules = list('constrain', 'ORG', 'Virgin Atlantic');
    for (const options of [{ stride: 16 }, { segment: 'sentences' as const }]) {
      const entities = await ner.extract(text, { ...options, rules });
      valid(text, entities);
      expect(shown(entities).filter((e) => e === 'Virgin Atlantic/ORG/l')).toHaveLength(2);
      expect(shown(entities).some((e) => e.startsWith('Atlantic/'))).toBe(false);
    }
    const columns = await ner.extractColumns([FLIGHT], { rules });
    expect(columns.sourceNames[columns.sources[0]]).toBe('l'); // the first entity, Virgin Atlantic, is the rule's
  });

  it('an unknown mode names constrain among the known ones', async () => {
    await expect(ner.extract('x', { rules: { lists: [{ label: 'ORG', mode: 'force', phrases: ['x'] }] } })).rejects.toThrow(
      /override, fill, veto or constrain/,
    );
  });
});
