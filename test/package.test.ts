import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONLL_MODEL } from './helpers';

const ROOT = join(__dirname, '..');
const PREBUILD_DIR = join(ROOT, 'prebuilds', `${process.platform}-${process.arch}`);

async function sourceHash(): Promise<string> {
  const { nativeSourceHash } = (await import(join(ROOT, 'scripts', 'source-hash.mjs'))) as {
    nativeSourceHash(root: string): string;
  };
  return nativeSourceHash(ROOT);
}

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('the committed prebuild', () => {
  it('was built from the current native sources (run `npm run build:prebuild` after changing native/)', async () => {
    const binaries = readdirSync(PREBUILD_DIR).filter((f) => f.endsWith('.node'));
    expect(binaries).toHaveLength(1);
    expect(readFileSync(join(PREBUILD_DIR, 'SOURCES.sha256'), 'utf8').trim()).toBe(await sourceHash());
  });

  it('loads on its own and extracts entities', () => {
    const binary = readdirSync(PREBUILD_DIR).find((f) => f.endsWith('.node')) as string;
    const script = `
      const binding = require(${JSON.stringify(join(PREBUILD_DIR, binary))});
      const { chooseOrtLibrary } = require(${JSON.stringify(join(ROOT, 'dist', 'native.js'))});
      const model = new binding.NativeModel({ directory: ${JSON.stringify(CONLL_MODEL)}, ...chooseOrtLibrary('cpu') });
      model.extract(['John Smith lives in Paris.']).then((r) => console.log(r.starts.length));`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(Number(run.stdout.trim())).toBeGreaterThanOrEqual(2);
  });
});

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('the npm package', () => {
  it('installs from its tarball into an empty project without a compiler step and extracts entities', () => {
    const work = mkdtempSync(join(tmpdir(), 'native-ner-pack-'));
    try {
      const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
      const tarball = join(work, packed.trim().split('\n').pop() as string);
      const project = join(work, 'app');
      execFileSync('mkdir', [project]);
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
      // onnxruntime-node's own install step downloads CUDA files unless told not to (see README).
      writeFileSync(join(project, '.npmrc'), 'onnxruntime-node-install=skip\n');
      const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: project, encoding: 'utf8' });
      expect(install.status, install.stderr).toBe(0);
      const installed = join(project, 'node_modules', 'native-ner');
      // The prebuild served: nothing was compiled.
      expect(existsSync(join(installed, 'build', 'Release'))).toBe(false);
      const script = `
        const { NativeNer } = require('native-ner');
        const ner = new NativeNer(${JSON.stringify(CONLL_MODEL)});
        ner.extract('John Smith works at Google in New York.').then((es) => {
          console.log(JSON.stringify(es.map((e) => e.label + ':' + e.text)));
          return ner.dispose();
        });`;
      const run = spawnSync(process.execPath, ['-e', script], { cwd: project, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual(expect.arrayContaining(['PER:John Smith', 'LOC:New York']));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('the lock file', () => {
  it('satisfies npm ci (every package, optional platform ones included, is locked)', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'native-ner-lock-'));
    try {
      for (const file of ['package.json', 'package-lock.json']) writeFileSync(join(scratch, file), readFileSync(join(ROOT, file)));
      // --dry-run checks the lock against package.json without installing; an empty cache and --offline keep it
      // from reaching any registry.
      const run = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--offline', '--cache', join(scratch, 'cache')], {
        cwd: scratch,
        encoding: 'utf8',
      });
      expect(run.stderr).not.toMatch(/Missing: .* from lock file/);
      expect(run.status).toBe(0);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
