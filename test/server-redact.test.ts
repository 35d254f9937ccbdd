// POST /redact: every operator through HTTP against the entities /extract finds in the same texts, the server's
// keys and default operators, and its errors and limits (those of /extract, plus keys a request may not send).
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, NativeNer, NerError, restore, type Entity, type NerService, type RedactedText } from '../lib';
import { CONLL_MODEL, runCli, useModel } from './helpers';

const TEXTS = [
  'John Smith joined the United Nations in Geneva.',
  'Angela Merkel met John Smith in Berlin.',
  'Angela Merkel visited Paris, and Paris loved Angela Merkel.',
];

const hashKey = randomBytes(32);
const encryptKey = randomBytes(32);

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

/** `text` with each entity's value replaced by render(value, entity), in text order. */
function rewritten(text: string, entities: Entity[], render: (value: string, entity: Entity, index: number) => string): string {
  let out = '';
  let at = 0;
  [...entities]
    .sort((a, b) => a.start - b.start)
    .forEach((entity, index) => {
      out += text.slice(at, entity.start) + render(text.slice(entity.start, entity.end), entity, index);
      at = entity.end;
    });
  return out + text.slice(at);
}

describe('POST /redact', () => {
  // The service owns its model: shutdown disposes it.
  const model = useModel(CONLL_MODEL);
  let service: NerService;
  let base: string;
  /** The entities /extract finds in each of TEXTS: what /redact must rewrite. */
  let entities: Entity[][];

  beforeAll(async () => {
    service = createService(model(), { maxBodyBytes: 16 * 1024, maxTexts: 5, redact: { keys: { hash: hashKey, encrypt: encryptKey } } });
    await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
    base = service.url();
    const answer = await post(`${base}/extract`, { texts: TEXTS });
    entities = answer.body.entities as Entity[][];
    // The texts hold what the tests below need: people, places, an organisation, repeated names.
    expect(entities.flat().map((e) => e.label).sort()).toEqual(expect.arrayContaining(['LOC', 'ORG', 'PER']));
  });
  afterAll(() => service.shutdown());

  const redact = async (options?: Record<string, unknown>, texts = TEXTS): Promise<RedactedText[]> => {
    const answer = await post(`${base}/redact`, { texts, options });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body.redacted as RedactedText[];
  };

  it('rewrites every entity as <LABEL> by default, its items placing each in both texts, and no original value', async () => {
    const results = await redact();
    expect(results).toHaveLength(TEXTS.length);
    results.forEach(({ text, items }, i) => {
      expect(text).toBe(rewritten(TEXTS[i], entities[i], (_, e) => `<${e.label}>`));
      expect(items.map(({ label, start, end }) => ({ label, start, end }))).toEqual(entities[i].map(({ label, start, end }) => ({ label, start, end })));
      for (const item of items) {
        expect(item.operator).toBe('replace');
        expect(text.slice(item.newStart, item.newEnd)).toBe(`<${item.label}>`);
        expect(item).not.toHaveProperty('original');
      }
    });
    const one = await post(`${base}/redact`, { text: TEXTS[0] });
    expect(one.status).toBe(200);
    expect(one.body.redacted).toEqual(results[0]);
  });

  it('applies each operator as its name, short form or object says', async () => {
    const hmac = (value: string) => createHmac('sha256', hashKey).update(value, 'utf8').digest('hex');
    const cases: [string, unknown, (value: string, e: Entity) => string][] = [
      ['replace with', { type: 'replace', with: '[gone]' }, () => '[gone]'],
      ['replace, short form', 'replace:[x]', () => '[x]'],
      ['mask', 'mask', (value) => '*'.repeat(value.length)],
      ['mask, char and keepLast', { type: 'mask', char: '#', keepLast: 2 }, (value) => '#'.repeat(value.length - 2) + value.slice(-2)],
      ['mask, short form', 'mask:_:3', (value) => '_'.repeat(value.length - 3) + value.slice(-3)],
      ['remove', 'remove', () => ''],
      ['hash', 'hash', (value, e) => `<${e.label}:${hmac(value).slice(0, 16)}>`],
      ['hash, length', { type: 'hash', length: 40 }, (value, e) => `<${e.label}:${hmac(value).slice(0, 40)}>`],
      ['hash, short form', 'hash:8', (value, e) => `<${e.label}:${hmac(value).slice(0, 8)}>`],
      ['keep', 'keep', (value) => value],
    ];
    for (const [what, operator, render] of cases) {
      const results = await redact({ operators: { '*': operator } });
      results.forEach(({ text, items }, i) => {
        expect(text, what).toBe(rewritten(TEXTS[i], entities[i], render));
        expect(items.map((item) => text.slice(item.newStart, item.newEnd)), what).toEqual(
          entities[i].map((e) => render(TEXTS[i].slice(e.start, e.end), e)),
        );
      });
    }
  });

  it('applies operators per label, "*" for the labels not named', async () => {
    const results = await redact({ operators: { PER: 'pseudonym', LOC: 'keep', '*': 'remove' } });
    expect(results[0].text).toBe('<PER_1> joined the  in Geneva.');
    expect(results[0].items.map((item) => item.operator)).toEqual(['pseudonym', 'remove', 'keep']);
  });

  it('numbers pseudonyms per text, or across the request with pseudonyms "call"', async () => {
    const perText = await redact({ operators: { PER: 'pseudonym' } });
    expect(perText.map((r) => r.text)).toEqual([
      '<PER_1> joined the <ORG> in <LOC>.',
      '<PER_1> met <PER_2> in <LOC>.',
      '<PER_1> visited <LOC>, and <LOC> loved <PER_1>.',
    ]);
    const perCall = await redact({ operators: { PER: 'pseudonym' }, pseudonyms: 'call' });
    expect(perCall.map((r) => r.text)).toEqual([
      '<PER_1> joined the <ORG> in <LOC>.',
      '<PER_2> met <PER_1> in <LOC>.',
      '<PER_2> visited <LOC>, and <LOC> loved <PER_2>.',
    ]);
    // A request is its own call: the next one numbers from 1 again.
    expect((await redact({ operators: { PER: 'pseudonym' }, pseudonyms: 'call' }, [TEXTS[1]]))[0].text).toBe('<PER_1> met <PER_2> in <LOC>.');
  });

  it("encrypts under the server's key, so restore() with that key gives the text back", async () => {
    const results = await redact({ operators: { '*': 'encrypt' } });
    results.forEach(({ text, items }, i) => {
      expect(items.length).toBe(entities[i].length);
      for (const item of items) expect(text.slice(item.newStart, item.newEnd)).toMatch(new RegExp(`^<${item.label}:enc:[A-Za-z0-9_-]+>$`));
      expect(text).not.toContain(TEXTS[i].slice(entities[i][0].start, entities[i][0].end));
      expect(restore(text, encryptKey)).toBe(TEXTS[i]);
    });
    expect(() => restore(results[0].text, randomBytes(32))).toThrow(NerError);
  });

  it('returns the original values only when asked (includeOriginal)', async () => {
    const results = await redact({ includeOriginal: true });
    results.forEach(({ items }, i) => {
      expect(items.map((item) => item.original)).toEqual(entities[i].map((e) => e.text));
    });
  });

  it('leaves detections under minScores and values on the allow list as they are', async () => {
    const allowed = await redact({ allow: ['Paris'] });
    expect(allowed[2].text).toBe('<PER> visited Paris, and Paris loved <PER>.');
    const strict = await redact({ minScores: { PER: 1 } });
    expect(strict[0].text).toBe('John Smith joined the <ORG> in <LOC>.');
  });

  it('counts redactions by label and operator in /metrics, and texts', async () => {
    const value = async (line: string) => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return Number(text.split('\n').find((l) => l.startsWith(line + ' '))?.split(' ').pop() ?? 0);
    };
    const masked = 'native_ner_redactions_total{label="PER",operator="mask"}';
    const before = { masked: await value(masked), texts: await value('native_ner_texts_total') };
    await redact({ operators: { PER: 'mask' } });
    const people = entities.flat().filter((e) => e.label === 'PER').length;
    expect(await value(masked)).toBe(before.masked + people);
    expect(await value('native_ner_texts_total')).toBe(before.texts + TEXTS.length);
  });

  it('refuses bad requests as /extract does, and keys or a pseudonym map from the request', async () => {
    const expectError = async (body: unknown, status: number, code: string, headers?: Record<string, string>) => {
      const answer = await post(`${base}/redact`, body, headers);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect((answer.body.error as { code: string }).code).toBe(code);
      return (answer.body.error as { message: string }).message;
    };
    expect(await expectError({ text: 'x', options: { keys: { hash: 'secret' } } }, 400, 'ERR_BAD_REQUEST')).toContain('--hash-key');
    expect(await expectError({ text: 'x', options: { pseudonyms: { PER: ['Ann'] } } }, 400, 'ERR_BAD_REQUEST')).toContain("'call'");
    expect(await expectError({ text: 'x', options: { operators: { PER: 'shred' } } }, 400, 'ERR_INVALID_ARGUMENT')).toContain("'shred'");
    await expectError({ text: 'x', options: { operators: { PER: { type: 'mask', char: 'ab' } } } }, 400, 'ERR_INVALID_ARGUMENT');
    await expectError({ text: 'x', options: { operators: { PER: { type: 'hash', length: 4 } } } }, 400, 'ERR_INVALID_ARGUMENT');
    await expectError({ text: 'x', options: { operators: { PER: 'hash:' } } }, 400, 'ERR_INVALID_ARGUMENT');
    await expectError({ text: 'x', options: { operators: { PERSON: 'mask' } } }, 400, 'ERR_INVALID_ARGUMENT');
    await expectError({ text: 'x', options: { operators: { PER: 7 } } }, 400, 'ERR_BAD_REQUEST');
    await expectError({ text: 'x', options: { minScores: { PER: 2 } } }, 400, 'ERR_INVALID_ARGUMENT');
    await expectError({ text: 'x', options: { shred: true } }, 400, 'ERR_INVALID_ARGUMENT');
    await expectError({ text: 'x', options: { rules: '/etc/rules.json' } }, 400, 'ERR_BAD_REQUEST');
    await expectError({ text: 'x', options: { stride: 257 } }, 400, 'ERR_INVALID_ARGUMENT');
    await expectError('{"texts": [', 400, 'ERR_BAD_JSON');
    await expectError({ texts: 'x' }, 400, 'ERR_BAD_REQUEST');
    await expectError({ texts: Array(6).fill('x') }, 413, 'ERR_TOO_MANY_TEXTS');
    await expectError({ texts: ['x'.repeat(17 * 1024)] }, 413, 'ERR_BODY_TOO_LARGE');
    await expectError({ text: 'x'.repeat(10), options: { maxTextLength: 5 } }, 413, 'ERR_TEXT_TOO_LONG');
    await expectError({ text: 'x' }, 415, 'ERR_UNSUPPORTED_MEDIA_TYPE', { 'content-type': 'text/plain' });
    const get = await fetch(`${base}/redact`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('POST /redact on a server without keys, with default operators', () => {
  let service: NerService;
  let base: string;
  beforeAll(async () => {
    const ner = await NativeNer.load(CONLL_MODEL);
    service = createService(ner, { redact: { operators: { LOC: 'keep', '*': 'mask:#' } } });
    await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
    base = service.url();
  });
  afterAll(() => service?.shutdown());

  it("applies the server's operators, which a request's replace label by label", async () => {
    const byDefault = await post(`${base}/redact`, { text: TEXTS[0] });
    expect((byDefault.body.redacted as RedactedText).text).toBe('########## joined the ############## in Geneva.');
    const overridden = await post(`${base}/redact`, { text: TEXTS[0], options: { operators: { LOC: 'replace', PER: 'remove' } } });
    expect((overridden.body.redacted as RedactedText).text).toBe(' joined the ############## in <LOC>.');
  });

  it('answers 400 naming the serve flag to a request for hash or encrypt', async () => {
    for (const [operator, flag] of [
      ['hash', '--hash-key FILE'],
      ['hash:12', '--hash-key FILE'],
      [{ type: 'encrypt' }, '--encrypt-key FILE'],
    ] as const) {
      const answer = await post(`${base}/redact`, { text: TEXTS[0], options: { operators: { PER: operator } } });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({
        code: 'ERR_INVALID_ARGUMENT',
        message: expect.stringContaining(`start it with ${flag}`),
      });
    }
  });
});

describe('createService redact defaults', () => {
  const model = useModel(CONLL_MODEL);
  const failure = (redact: unknown): Error => {
    try {
      createService(model(), { redact } as Parameters<typeof createService>[1]);
    } catch (error) {
      return error as Error;
    }
    throw new Error('createService accepted the defaults');
  };

  it('refuses keyed operators without their key, unknown fields and bad operators, before serving', () => {
    const hash = failure({ operators: { PER: 'hash' } });
    expect(hash).toBeInstanceOf(NerError);
    expect(hash.message).toBe('redact.operators.PER is hash, which needs redact.keys.hash (serve --hash-key FILE)');
    expect(failure({ operators: { '*': 'encrypt' }, keys: { hash: hashKey } }).message).toContain('--encrypt-key');
    expect(failure({ operators: { PERSON: 'mask' } }).message).toBe(
      'the default operator of PERSON names a label the model and its rules do not give (they give MISC, PER, ORG, LOC)',
    );
    expect(failure({ pseudonyms: 'call' }).message).toBe("unknown redact default 'pseudonyms'; known: operators, keys");
    expect((failure({ operators: { PER: 'shred' } }) as NerError).code).toBe('ERR_INVALID_ARGUMENT');
    expect(failure({ keys: { hash: new Uint8Array(8) } })).toBeInstanceOf(NerError);
    expect(failure(null)).toBeInstanceOf(TypeError);
  });
});

describe('native-ner serve redaction flags', () => {
  it('lists --operator and the key files in --help', () => {
    const { status, stdout } = runCli(['serve', '--help']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^ {2}--operator LABEL=OP /m);
    expect(stdout).toMatch(/^ {2}--hash-key FILE /m);
    expect(stdout).toMatch(/^ {2}--encrypt-key FILE /m);
  });

  it('refuses a keyed default operator without its key file, before loading the model', () => {
    const { status, stderr } = runCli(['serve', '--model', '/nonexistent', '--operator', 'PER=hash']);
    expect(status).toBe(2);
    expect(stderr).toContain('native-ner: --operator PER=hash needs --hash-key FILE');
    const bad = runCli(['serve', '--model', '/nonexistent', '--operator', 'PER=shred']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--operator needs LABEL=OP");
  });
});
