// `native-ner redact` in a child process: text lines in give redacted lines out, JSON lines give {text, items}
// lines without original values, standard input, the operator and key-file flags and their usage errors.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { restore, type Redaction } from '../lib';
import { CONLL_MODEL, runCli as cli } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'native-ner-cli-redact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXTS = ['John Smith joined the United Nations in Geneva.', 'Angela Merkel met John Smith in Berlin.'];
const DEFAULT_REDACTED = ['<PER> joined the <ORG> in <LOC>.', '<PER> met <PER> in <LOC>.'];

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('native-ner redact (CLI)', () => {
  it('answers a file of text lines with the redacted lines, in order, empty lines kept', () => {
    const run = cli(['redact', '--model', CONLL_MODEL, file('texts.txt', `${TEXTS[0]}\n\n${TEXTS[1]}\n`)]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${DEFAULT_REDACTED[0]}\n\n${DEFAULT_REDACTED[1]}\n`);
  });

  it('reads standard input when given no argument, and takes texts as arguments', () => {
    const stdin = cli(['redact', '--model', CONLL_MODEL, '--operator', 'PER=mask'], { input: `${TEXTS[1]}\n` });
    expect(stdin.status).toBe(0);
    expect(stdin.stdout).toBe('************* met ********** in <LOC>.\n');
    const args = cli(['redact', '--model', CONLL_MODEL, ...TEXTS]);
    expect(args.stdout).toBe(DEFAULT_REDACTED.join('\n') + '\n');
  });

  it('answers JSON lines with {text, items}: offsets in both texts, no original value', () => {
    const input = TEXTS.map((text, i) => JSON.stringify(i === 0 ? text : { text, id: 7 })).join('\n') + '\n';
    for (const run of [
      cli(['redact', '--model', CONLL_MODEL, '--jsonl'], { input }),
      cli(['redact', '--model', CONLL_MODEL, file('texts.jsonl', input)]),
    ]) {
      expect(run.status).toBe(0);
      const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { text: string; items: Redaction[] });
      expect(lines.map((l) => l.text)).toEqual(DEFAULT_REDACTED);
      expect(Object.keys(lines[0]).sort()).toEqual(['items', 'text']);
      lines.forEach(({ text, items }, i) => {
        for (const item of items) {
          expect(item).not.toHaveProperty('original');
          expect(text.slice(item.newStart, item.newEnd)).toBe(`<${item.label}>`);
          expect(TEXTS[i].slice(item.start, item.end)).not.toBe('');
        }
      });
      expect(run.stdout).not.toContain('John');
    }
  });

  it('applies --operator per label, with the short forms, and --pseudonyms call across the input', () => {
    const run = cli(['redact', '--model', CONLL_MODEL, '--operator', 'PER=pseudonym', '--operator', 'LOC=keep', '--operator', '*=replace:[x]', '--pseudonyms', 'call', ...TEXTS]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('<PER_1> joined the [x] in Geneva.\n<PER_2> met <PER_1> in Berlin.\n');
  });

  it('hashes and encrypts with the keys of --hash-key and --encrypt-key', () => {
    const hashKey = randomBytes(48);
    const encryptKey = randomBytes(32);
    const hashFile = file('hash.key', hashKey.toString('hex') + '\n');
    const encryptFile = file('encrypt.key', encryptKey); // raw bytes
    const run = cli([
      'redact', '--model', CONLL_MODEL,
      '--operator', 'PER=hash:12', '--operator', '*=encrypt',
      '--hash-key', hashFile, '--encrypt-key', encryptFile,
      TEXTS[0],
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const digest = createHmac('sha256', hashKey).update('John Smith').digest('hex').slice(0, 12);
    const line = run.stdout.trimEnd();
    expect(line.startsWith(`<PER:${digest}> joined the <ORG:enc:`)).toBe(true);
    expect(line).not.toContain('United Nations');
    // restore() puts the encrypted values back; the hashed one stays a hash.
    expect(restore(line, new Uint8Array(encryptKey))).toBe(`<PER:${digest}> joined the United Nations in Geneva.`);
  });

  it('exits 2 with the usage for a malformed --operator or a keyed one without its key file', () => {
    for (const [args, message] of [
      [['--operator', 'PER'], "'PER' is not LABEL=VALUE"],
      [['--operator', 'PER=shred'], "--operator needs LABEL=OP"],
      [['--operator', 'PER=mask:ab'], "--operator needs LABEL=OP"],
      [['--operator', 'PER=hash'], '--operator PER=hash needs --hash-key FILE'],
      [['--operator', '*=encrypt'], '--operator *=encrypt needs --encrypt-key FILE'],
      [['--pseudonyms', 'forever'], '--pseudonyms needs'],
    ] as const) {
      const run = cli(['redact', '--model', CONLL_MODEL, ...args, 'x']);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^native-ner: --/);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('Usage: native-ner redact');
      expect(run.stdout).toBe('');
    }
  });

  it('exits 1 naming the file for a key file too short or missing', () => {
    const short = file('short.key', 'abcd\n');
    const run = cli(['redact', '--model', CONLL_MODEL, '--operator', 'PER=hash', '--hash-key', short, 'x']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`the key file ${short}`);
    expect(run.stderr).toContain('ERR_INVALID_ARGUMENT');
    const long = file('long.key', randomBytes(40));
    const encrypt = cli(['redact', '--model', CONLL_MODEL, '--operator', 'PER=encrypt', '--encrypt-key', long, 'x']);
    expect(encrypt.status).toBe(1);
    expect(encrypt.stderr).toContain('the encrypt key is exactly 32');
    const missing = cli(['redact', '--model', CONLL_MODEL, '--hash-key', join(dir, 'nowhere.key'), 'x']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('nowhere.key');
  });
});
