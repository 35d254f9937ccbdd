// The unit suite runs without the native addon and without ../shared: no file it loads at run time (type-only
// imports aside) may reach lib/native.ts, the model class or the test helpers that point into ../shared.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const FORBIDDEN = ['lib/native.ts', 'lib/ner.ts', 'lib/index.ts', 'lib/tokenizer.ts', 'test/helpers.ts'];

/** Relative modules `file` loads at run time: `import ... from './x'`, not `import type`, `export ... from` too. */
function runtimeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of source.matchAll(/^(import|export)\s+(type\s+)?([^;]*?)\s+from\s+'(\.[^']+)';/gms)) {
    const [, , typeOnly, clause, specifier] = match;
    // `import { type A, type B }` loads nothing either.
    const names = /^\{([^}]*)\}$/s.exec(clause.trim())?.[1].split(',').map((s) => s.trim()).filter(Boolean);
    if (typeOnly || (names && names.every((n) => n.startsWith('type ')))) continue;
    found.push(specifier);
  }
  for (const match of source.matchAll(/require\('(\.[^']+)'\)/g)) found.push(match[1]);
  return found;
}

function resolveModule(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      // try the next
    }
  }
  throw new Error(`cannot resolve ${specifier} from ${from}`);
}

describe('the unit suite', () => {
  it('loads nothing that needs the addon or the shared models', () => {
    const start = readdirSync(__dirname)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(__dirname, f));
    const seen = new Map<string, string>(); // module -> the module that loaded it
    const queue = [...start];
    while (queue.length > 0) {
      const file = queue.shift() as string;
      for (const specifier of runtimeImports(file)) {
        const target = resolveModule(file, specifier);
        if (seen.has(target) || start.includes(target)) continue;
        seen.set(target, file);
        queue.push(target);
      }
    }
    const loaded = [...seen.keys()].map((f) => relative(ROOT, f));
    expect(loaded).toContain('lib/options.ts'); // the walk works
    const bad = loaded.filter((f) => FORBIDDEN.includes(f)).map((f) => `${f} (loaded by ${relative(ROOT, seen.get(join(ROOT, f)) as string)})`);
    expect(bad).toEqual([]);
  });
});
