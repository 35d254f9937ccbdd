// The service's rules (serve --rules FILE): reloaded on SIGHUP, atomically, an invalid file keeping the old set and
// the log saying why; in-process through createRulesReloader and against the real `native-ner serve` child.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRulesReloader, createService, NativeNer, type Entity, type NerService } from '../lib';
import { CONLL_MODEL, startServe } from './helpers';

const TEXT = 'We met Zorblax and Quuxor yesterday.';
const dir = mkdtempSync(join(tmpdir(), 'native-ner-serve-rules-'));
const rulesFile = join(dir, 'rules.json');

/** A rules document tagging `phrase` as PRODUCT, from a list named `name`. */
function listRules(name: string, phrase: string): string {
  return JSON.stringify({ lists: [{ name, label: 'PRODUCT', mode: 'override', phrases: [phrase] }] });
}

// Line 3 holds the bad entry, so the message can name it.
const INVALID = '{\n  "builtins": [\n    "NO_SUCH_BUILTIN"\n  ]\n}\n';

async function extract(base: string, text: string): Promise<Entity[]> {
  const response = await fetch(`${base}/extract`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { entities: Entity[] }).entities;
}

const products = (entities: Entity[]) => entities.filter((e) => e.label === 'PRODUCT').map((e) => `${e.text}/${e.source}`);

describe('rules reload (in process)', () => {
  let service: NerService;
  let base: string;
  const log: string[] = [];
  let reloader: ReturnType<typeof createRulesReloader>;
  beforeAll(async () => {
    writeFileSync(rulesFile, listRules('first', 'Zorblax'));
    const ner = await NativeNer.load(CONLL_MODEL, { rules: rulesFile });
    service = createService(ner);
    reloader = createRulesReloader(ner, rulesFile, (line) => log.push(line));
    await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
    base = service.url();
  });
  afterAll(() => service.shutdown());

  it('serves the new set once reloaded, and says what it loaded', async () => {
    expect(products(await extract(base, TEXT))).toEqual(['Zorblax/first']);
    writeFileSync(rulesFile, listRules('second', 'Quuxor'));
    expect(await reloader.reload()).toBe(true);
    expect(products(await extract(base, TEXT))).toEqual(['Quuxor/second']);
    expect(log.at(-1)).toBe(`native-ner: rules reloaded from ${rulesFile}: 1 rule (second), 1 phrases`);
  });

  it('keeps the old set when the new file is invalid, logging file, line and entry', async () => {
    writeFileSync(rulesFile, INVALID);
    expect(await reloader.reload()).toBe(false);
    const line = log.at(-1) as string;
    expect(line).toMatch(/^native-ner: rules not reloaded, keeping the previous set: /);
    expect(line).toContain(rulesFile);
    expect(line).toContain('builtins[0] "NO_SUCH_BUILTIN"');
    expect(line).toContain('ERR_INVALID_ARGUMENT');
    expect(products(await extract(base, TEXT))).toEqual(['Quuxor/second']);

    writeFileSync(rulesFile, '{\n  "lists": [\n    {"label": "X", "phrases": [\n');
    expect(await reloader.reload()).toBe(false);
    expect(log.at(-1)).toMatch(new RegExp(`${rulesFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 4, column 1: invalid JSON`));
    expect(products(await extract(base, TEXT))).toEqual(['Quuxor/second']);
  });

  it('swaps atomically: each request sees one whole set, old or new, never a mix', async () => {
    writeFileSync(rulesFile, listRules('third', 'Zorblax'));
    const both = `${TEXT} `.repeat(20);
    const requests = Array.from({ length: 40 }, () => extract(base, both));
    const reloaded = reloader.reload();
    const more = Array.from({ length: 40 }, () => extract(base, both));
    expect(await reloaded).toBe(true);
    const seen = new Set<string>();
    for (const entities of await Promise.all([...requests, ...more])) {
      const sources = new Set(products(entities));
      expect(sources.size).toBe(1); // 20 matches, all from one set
      seen.add([...sources][0]);
    }
    for (const s of seen) expect(['Quuxor/second', 'Zorblax/third']).toContain(s);
    expect(products(await extract(base, TEXT))).toEqual(['Zorblax/third']);
  });

  it('reloads asked for together run one after the other, the file as it is last winning', async () => {
    writeFileSync(rulesFile, listRules('fourth', 'Quuxor'));
    const first = reloader.reload();
    const second = reloader.reload();
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(products(await extract(base, TEXT))).toEqual(['Quuxor/fourth']);
  });
});

describe('native-ner serve --rules FILE', () => {
  it('reloads the file on SIGHUP and keeps the old set when it is invalid', async () => {
    const file = join(dir, 'served.json');
    writeFileSync(file, listRules('first', 'Zorblax'));
    const { child, url, exited } = await startServe(['--model', CONLL_MODEL, '--port', '0', '--rules', file]);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    /** Waits for the `count`-th stderr line matching `pattern`, since the test's own listener started. */
    const logged = async (pattern: RegExp, count: number) => {
      for (let waited = 0; waited < 20_000; waited += 20) {
        const lines = stderr.split('\n').filter((l) => pattern.test(l));
        if (lines.length >= count) return lines[count - 1];
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`no ${pattern} in serve's log: ${stderr}`);
    };
    try {
      expect(products(await extract(url, TEXT))).toEqual(['Zorblax/first']);

      writeFileSync(file, listRules('second', 'Quuxor'));
      child.kill('SIGHUP');
      expect(await logged(/rules reloaded/, 1)).toBe(`native-ner: rules reloaded from ${file}: 1 rule (second), 1 phrases`);
      expect(products(await extract(url, TEXT))).toEqual(['Quuxor/second']);

      writeFileSync(file, INVALID);
      child.kill('SIGHUP');
      const refused = await logged(/rules not reloaded/, 1);
      expect(refused).toContain(`${file}: builtins[0] "NO_SUCH_BUILTIN"`);
      expect(products(await extract(url, TEXT))).toEqual(['Quuxor/second']);
      expect(child.exitCode).toBeNull();

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
