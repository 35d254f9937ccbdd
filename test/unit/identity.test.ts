// Model identity (lib/identity.ts) on files of our own, no model needed: each digest is the file's SHA-256, the
// combined one follows the documented text form (checked with sha256sum, outside this library), the synchronous and
// streamed readers agree, and a change to any one file, or files swapping roles, changes the combined identity.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { combineIdentity, modelIdentity, modelIdentitySync, sha256OfFile, sha256OfFileSync } from '../../lib/identity';

const scratch = mkdtempSync(join(tmpdir(), 'native-ner-identity-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** A model directory with the three files, the ONNX file larger than one read chunk. */
function modelDir(name: string, files: { model: Buffer; tokenizer: string; config: string }): { dir: string; modelPath: string } {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const modelPath = join(dir, 'model.onnx');
  writeFileSync(modelPath, files.model);
  writeFileSync(join(dir, 'tokenizer.json'), files.tokenizer);
  writeFileSync(join(dir, 'config.json'), files.config);
  return { dir, modelPath };
}

const base = { model: randomBytes(3 * (1 << 20) + 17), tokenizer: '{"model": {"type": "WordPiece"}}', config: '{"id2label": {"0": "O"}}' };

describe('model identity', () => {
  it("gives each file's SHA-256, read whole past the chunk size, synchronously and streamed alike", async () => {
    const { dir, modelPath } = modelDir('plain', base);
    const identity = await modelIdentity(dir, modelPath);
    expect(identity).toMatchObject({ modelSha256: sha256(base.model), tokenizerSha256: sha256(base.tokenizer), configSha256: sha256(base.config) });
    expect(modelIdentitySync(dir, modelPath)).toEqual(identity);
    expect(await sha256OfFile(modelPath)).toBe(sha256OfFileSync(modelPath));
  });

  it('combines the three as documented, which sha256sum reproduces', async () => {
    const { dir, modelPath } = modelDir('documented', base);
    const { sha256: combined, modelSha256, tokenizerSha256, configSha256 } = await modelIdentity(dir, modelPath);
    const shell = spawnSync('sh', ['-c', `printf 'model %s\\ntokenizer %s\\nconfig %s\\n' ${modelSha256} ${tokenizerSha256} ${configSha256} | sha256sum`], {
      encoding: 'utf8',
    });
    expect(shell.status).toBe(0);
    expect(shell.stdout.split(' ')[0]).toBe(combined);
    expect(combineIdentity(modelSha256, tokenizerSha256, configSha256)).toBe(combined);
  });

  it('changes the combined identity when any one file changes, or when two digests swap roles', async () => {
    const original = await modelIdentity(modelDir('original', base).dir, join(scratch, 'original', 'model.onnx'));
    const changedModel = Buffer.from(base.model);
    changedModel[changedModel.length - 1] ^= 1; // the last byte: past the first read chunk
    const variants = [
      { ...base, model: changedModel },
      { ...base, tokenizer: base.tokenizer.replace('WordPiece', 'BPE') },
      { ...base, config: base.config.replace('"O"', '"B-PER"') },
    ];
    const combined = await Promise.all(variants.map((files, i) => modelIdentity(modelDir(`variant${i}`, files).dir, join(scratch, `variant${i}`, 'model.onnx'))));
    expect(new Set([original.sha256, ...combined.map((c) => c.sha256)]).size).toBe(4);
    const { modelSha256, tokenizerSha256, configSha256 } = original;
    expect(combineIdentity(tokenizerSha256, modelSha256, configSha256)).not.toBe(original.sha256);
  });

  it('refuses digests that are not lowercase hex SHA-256, and fails for a missing file', async () => {
    const digest = sha256('x');
    expect(() => combineIdentity(digest.toUpperCase(), digest, digest)).toThrow(TypeError);
    expect(() => combineIdentity(digest.slice(1), digest, digest)).toThrow(TypeError);
    await expect(modelIdentity(join(scratch, 'none'), join(scratch, 'none', 'model.onnx'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => modelIdentitySync(join(scratch, 'none'), join(scratch, 'none', 'model.onnx'))).toThrow(/ENOENT/);
  });
});
