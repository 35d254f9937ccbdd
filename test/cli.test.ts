// `native-ner extract` in a child process. Its flags (every option flag parsed and range-checked) are in
// unit/options.test.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONLL_MODEL, runCli as cli } from './helpers';

// docs/api.md "Rules" shows this file and the entities below: the test keeps the example true.
const EXAMPLE_RULES = join(__dirname, '..', 'docs', 'examples', 'rules.json');
const EXAMPLE_TEXTS = [
  'Acme Corp wrote to the IRS and Customer Service from billing@acme-corp.com about ticket TCK-004211: card 4111 1111 1111 1111 was charged for Rocket Skates, 4111 1111 1111 1112 was not.',
  'Test card 4111 1111 1111 1111, order TCK-000001 at Acme Corporation.',
];
const EXAMPLE_ENTITIES = [
  [
    'Acme Corp ORG companies Q-acme',
    'IRS ORG overrides',
    'billing@acme-corp.com EMAIL EMAIL',
    'TCK-004211 TICKET tickets 0.95',
    '4111 1111 1111 1111 CARD CREDIT_CARD 1.00',
    'Rocket Skates PRODUCT products P-7',
  ],
  ['4111 1111 1111 1111 CARD CREDIT_CARD 0.65', 'TCK-000001 TICKET tickets 0.60', 'Acme Corporation ORG companies Q-acme'],
];

interface RuleEntity {
  text: string;
  label: string;
  score: number;
  source?: string;
  id?: string;
}

/** An entity as the docs list it: text, label, source, then the id or (patterns and built-ins) the score. */
function described(e: RuleEntity): string {
  const scored = e.source === 'tickets' || e.source === 'CREDIT_CARD';
  return [e.text, e.label, e.source, e.id, scored ? e.score.toFixed(2) : undefined].filter((x) => x !== undefined).join(' ');
}

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

describe('native-ner extract --rules FILE', () => {
  it("applies the rules: the docs' example gives the documented entities, each with its source", () => {
    const run = cli(['extract', '--model', CONLL_MODEL, '--rules', EXAMPLE_RULES, ...EXAMPLE_TEXTS]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { text: string; entities: RuleEntity[] });
    expect(lines.map((l) => l.text)).toEqual(EXAMPLE_TEXTS);
    lines.forEach(({ text, entities }, i) => {
      expect(entities.filter((e) => e.source !== 'model').map(described)).toEqual(EXAMPLE_ENTITIES[i]);
      for (const e of entities) {
        expect(e.source).toBeDefined();
        expect(text.slice((e as unknown as { start: number }).start, (e as unknown as { end: number }).end)).toBe(e.text);
      }
    });
    // The docs show the file as it is.
    const api = readFileSync(join(__dirname, '..', 'docs', 'api.md'), 'utf8');
    expect(api).toContain('```json\n' + readFileSync(EXAMPLE_RULES, 'utf8') + '```');
    expect(api).toContain('```text\n' + EXAMPLE_ENTITIES.map((entities) => entities.join('\n')).join('\n\n') + '\n```');
    for (const text of EXAMPLE_TEXTS) expect(api).toContain(text);
  });

  it('exits 1 on a bad rules file, with ERR_INVALID_ARGUMENT naming the file, line and entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'native-ner-cli-rules-'));
    try {
      const run = (name: string, content: string) => {
        const file = join(dir, name);
        writeFileSync(file, content);
        return { file, ...cli(['extract', '--model', CONLL_MODEL, '--rules', file, 'Acme Corp.']) };
      };
      const malformed = run('malformed.json', '{\n  "lists": [\n    { "label": "ORG", "phrases": ["Acme"], }\n  ]\n}\n');
      expect(malformed.status).toBe(1);
      expect(malformed.stdout).toBe('');
      expect(malformed.stderr).toMatch(new RegExp(`^native-ner: ${escape(malformed.file)}: line 3, column \\d+: invalid JSON.*\\(ERR_INVALID_ARGUMENT\\)$`, 'm'));

      const builtin = run('builtin.json', '{ "builtins": ["EMAIL", "PASSPORT"] }');
      expect(builtin.status).toBe(1);
      expect(builtin.stderr).toContain(`${builtin.file}: builtins[1] "PASSPORT": unknown built-in "PASSPORT"`);
      expect(builtin.stderr).toContain('(ERR_INVALID_ARGUMENT)');

      const regex = run('regex.json', '{ "patterns": [{ "name": "orders", "label": "ORDER", "regex": "(ORD-\\\\d+" }] }');
      expect(regex.status).toBe(1);
      expect(regex.stderr).toMatch(/patterns\[0\] "orders": regex "\(ORD-\\d\+" does not compile/);

      writeFileSync(join(dir, 'phrases.txt'), 'Acme Corp\n\nGlobex\n');
      const phrases = run('phrases.json', '{ "lists": [{ "label": "ORG", "file": "phrases.txt" }] }');
      expect(phrases.status).toBe(1);
      expect(phrases.stderr).toContain(`${join(dir, 'phrases.txt')}:2: empty phrase (ERR_INVALID_ARGUMENT)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
