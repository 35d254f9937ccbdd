// `native-ner extract` in a child process. Its flags (every option flag parsed and range-checked) are in
// unit/options.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONLL_MODEL, runCli as cli } from './helpers';

describe('native-ner extract (CLI)', () => {
  it('prints the entities of a text as one JSON line', () => {
    const run = cli(['extract', '--model', CONLL_MODEL, 'John Smith works at Google in New York.']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const { text, entities } = JSON.parse(lines[0]);
    expect(text).toBe('John Smith works at Google in New York.');
    const spans = entities.map((e: { label: string; text: string }) => `${e.label}:${e.text}`);
    expect(spans).toContain('PER:John Smith');
    expect(spans).toContain('LOC:New York');
  });

  it('reads a file as one text per line, and standard input when given no argument', () => {
    const dir = mkdtempSync(join(tmpdir(), 'native-ner-cli-'));
    try {
      const file = join(dir, 'texts.txt');
      writeFileSync(file, 'Paris is nice.\n\nAngela Merkel spoke.\n');
      const fromFile = cli(['extract', '--model', CONLL_MODEL, file]);
      expect(fromFile.status).toBe(0);
      const lines = fromFile.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((l) => l.text)).toEqual(['Paris is nice.', '', 'Angela Merkel spoke.']);
      expect(lines[1].entities).toEqual([]);

      const fromStdin = cli(['extract', '--model', CONLL_MODEL], { input: 'Paris is nice.\n' });
      expect(fromStdin.status).toBe(0);
      expect(JSON.parse(fromStdin.stdout.trim()).entities[0].text).toBe('Paris');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits non-zero with a clear message for a missing model or a bad flag', () => {
    const missing = cli(['extract', '--model', '/nonexistent/model', 'x']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/does not exist \(ERR_MODEL_NOT_FOUND\)/);
    const badFlag = cli(['extract', '--modle', CONLL_MODEL]);
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toMatch(/Usage/);
  });
});
