// The deploy/ files (issue 14, section 3): the Prometheus alert rules pass `promtool check rules` and their unit
// tests (`promtool test rules`), and every rule has a duration, a severity and what to check; the Grafana dashboard
// has the executive, on-call and debug views, a ${DS_PROMETHEUS} input, and its queries name only metrics the server
// exports (the names its own renderers write) or the drift and score metrics agreed for serve --baseline. promtool
// comes from Debian's prometheus package: .ci/run installs it; here it is installed when missing if this runs as
// root with apt-get, else the promtool tests are skipped, saying why.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Metrics, renderModelInfo } from '../lib/server';
import { createShadow } from '../lib/shadow';

const ROOT = join(__dirname, '..');
const RULES_DIR = join(ROOT, 'deploy', 'prometheus');
const RULES = join(RULES_DIR, 'native-ner.rules.yml');
const RULES_TESTS = join(RULES_DIR, 'native-ner.rules.test.yml');
const DASHBOARD = join(ROOT, 'deploy', 'grafana', 'native-ner-dashboard.json');

/**
 * Metrics serve --baseline exports under these agreed names (issue 14's drift monitoring): gauges per drift signal
 * and per entity label, and the entity score histogram. Their renderer needs a baseline and a monitor, so the names
 * are listed here, and a test below finds each of them in the library's sources.
 */
const AGREED_GAUGES = [
  'native_ner_drift_alert',
  'native_ner_drift_psi',
  'native_ner_drift_js_distance',
  'native_ner_drift_ks_statistic',
  'native_ner_entity_share',
  'native_ner_entity_share_baseline',
  'native_ner_entity_share_baseline_stddev',
];
const AGREED_HISTOGRAMS = ['native_ner_entity_score'];
/** Prometheus' own series, which alert rules may use (the scrape's health). */
const PROMETHEUS_SERIES = ['up'];

/** Every series name /metrics can hold: what the server's renderers write (a histogram's _bucket, _sum, _count). */
function exportedSeries(): Set<string> {
  const shadow = createShadow({ extract: async (texts: string[]) => texts.map(() => []) }, { share: 0, maxCalls: 1, timeoutMs: 1000 });
  const identity = { sha256: '0'.repeat(64), modelSha256: '1'.repeat(64), tokenizerSha256: '2'.repeat(64), configSha256: '3'.repeat(64) };
  const text = [
    new Metrics().render(0, 0),
    ...renderModelInfo('model', { identity, ortVersion: '1.0.0', device: 'cpu' }),
    ...shadow.render(),
  ].join('\n');
  const series = new Set<string>();
  const types: [string, string][] = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]);
  types.push(...AGREED_GAUGES.map((name): [string, string] => [name, 'gauge']));
  types.push(...AGREED_HISTOGRAMS.map((name): [string, string] => [name, 'histogram']));
  for (const [name, type] of types) {
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) series.add(name + suffix);
    else series.add(name);
  }
  return series;
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The series names a PromQL expression selects. Strings, label matchers, ranges, grouping clauses, numbers and
 * Grafana variables are removed first; what remains that is not a keyword and not called like a function is a name.
 */
export function seriesNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+\S+/g, ' ')
    .replace(/\$\w+/g, ' ')
    .replace(/(?<![\w:])\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, ' ');
  const names: string[] = [];
  for (const match of bare.matchAll(/[A-Za-z_:][\w:]*/g)) {
    const after = bare.slice((match.index ?? 0) + match[0].length);
    if (/^\s*\(/.test(after) || PROMQL_WORDS.has(match[0].toLowerCase())) continue;
    names.push(match[0]);
  }
  return names;
}

const series = exportedSeries();

describe('seriesNamesIn', () => {
  it('finds the series of an expression and nothing else', () => {
    const expr =
      'histogram_quantile(0.95, sum by (job, le) (rate(native_ner_http_request_duration_seconds_bucket{job=~"$job",code!~"5.."}[5m]))) > 1e3 ' +
      'and on (job) abs(native_ner_entity_share - native_ner_entity_share_baseline offset 1h) > 2 * native_ner_entity_share_baseline_stddev or vector(0)';
    expect(seriesNamesIn(expr)).toEqual([
      'native_ner_http_request_duration_seconds_bucket',
      'native_ner_entity_share',
      'native_ner_entity_share_baseline',
      'native_ner_entity_share_baseline_stddev',
    ]);
    expect(seriesNamesIn('sum(rate(native_ner_text_total[5m]))')).toEqual(['native_ner_text_total']); // a typo is a name
  });

  it('knows the series the server writes and the agreed drift names, not others', () => {
    for (const name of ['native_ner_http_requests_total', 'native_ner_errors_total', 'native_ner_http_request_duration_seconds_bucket', 'native_ner_model_info']) {
      expect(series.has(name), name).toBe(true);
    }
    expect(series.has('native_ner_shadow_agreement_f1')).toBe(true);
    expect(series.has('native_ner_entity_score_bucket')).toBe(true);
    expect(series.has('native_ner_text_total')).toBe(false);
    expect(series.has('native_ner_http_request_duration_seconds')).toBe(false); // a histogram is read through its series
  });

  it('finds each agreed drift and score name written by the library, so a rename on either side fails here', () => {
    const sources = readdirSync(join(ROOT, 'lib'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readFileSync(join(ROOT, 'lib', file), 'utf8'))
      .join('\n');
    for (const name of [...AGREED_GAUGES, ...AGREED_HISTOGRAMS]) expect(sources, name).toContain(`'${name}'`);
  });
});

/** Why promtool cannot run here, or null once it is on the PATH (installed now when that is possible). */
function promtoolUnavailable(): string | null {
  const found = () => spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
  if (found()) return null;
  if (process.getuid?.() !== 0) return "promtool is not installed and this is not root; install Debian's prometheus package";
  if (spawnSync('apt-get', ['--version']).status !== 0) return 'promtool is not installed and there is no apt-get to install it';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { encoding: 'utf8', env, timeout: 300_000 });
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'], { encoding: 'utf8', env, timeout: 600_000 });
  if (found()) return null;
  return `promtool is not installed and apt-get could not install prometheus: ${(update.stderr + install.stderr).trim().split('\n').pop()}`;
}

const unavailable = promtoolUnavailable();
if (unavailable) console.warn(`test/deploy.test.ts: promtool tests skipped: ${unavailable}`);
const withPromtool = unavailable ? it.skip : it;
const skipNote = unavailable ? ` (skipped: ${unavailable})` : '';

function promtool(args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd: RULES_DIR, encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('Prometheus alert rules', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'native-ner-deploy-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  withPromtool(`pass promtool check rules${skipNote}`, () => {
    const { status, output } = promtool(['check', 'rules', RULES]);
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
    expect(status).toBe(0);
    // The control: promtool does refuse a rules file with a broken expression.
    const broken = join(scratch, 'broken.rules.yml');
    writeFileSync(broken, readFileSync(RULES, 'utf8').replace('> 0.05', '> > 0.05'));
    expect(promtool(['check', 'rules', broken]).status).not.toBe(0);
  });

  withPromtool(`fire as their unit tests expect (promtool test rules)${skipNote}`, () => {
    const { status, output } = promtool(['test', 'rules', RULES_TESTS]);
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
  });

  interface Rule {
    alert?: string;
    expr: string;
    for?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  }
  const rules = (parseYaml(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
  const tested = readFileSync(RULES_TESTS, 'utf8');

  it('each alert has a duration, a severity and says what to check; each is unit-tested', () => {
    expect(rules.length).toBeGreaterThan(5);
    for (const rule of rules) {
      expect(rule.alert, rule.expr).toMatch(/^NativeNer[A-Z]\w+$/);
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description?.length, rule.alert).toBeGreaterThan(80);
    }
    const untested = rules.map((r) => r.alert).filter((name) => !tested.includes(`alertname: ${name}\n`));
    expect(untested).toEqual(['NativeNerDown']); // Prometheus' own `up`: nothing of ours to test
  });

  it('select only series the server exports, the agreed drift series, or up', () => {
    for (const rule of rules) {
      const names = seriesNamesIn(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      expect(names.filter((name) => !series.has(name) && !PROMETHEUS_SERIES.includes(name)), rule.alert).toEqual([]);
    }
  });

  it('cover p95 latency, error rates, each drift statistic, the entity share band and the model identity', () => {
    const selected = new Set(rules.flatMap((rule) => seriesNamesIn(rule.expr)));
    for (const name of ['native_ner_http_request_duration_seconds_bucket', 'native_ner_errors_total', 'native_ner_http_requests_total', 'native_ner_model_info', ...AGREED_GAUGES]) {
      expect(selected.has(name), name).toBe(true);
    }
    expect(rules.find((r) => r.expr.includes('native_ner_http_request_duration_seconds_bucket'))?.expr).toContain('histogram_quantile(0.95');
    expect(rules.find((r) => r.expr.includes('native_ner_entity_share_baseline_stddev'))?.expr).toMatch(/>\s*2 \* native_ner_entity_share_baseline_stddev/);
  });
});

interface Target {
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
  gridPos?: { x: number; y: number; w: number; h: number };
}

describe('Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    schemaVersion: number;
    __inputs: { name: string; pluginId: string }[];
    panels: Panel[];
    templating: { list: { name: string; query: { query: string } }[] };
  };
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  const queried = panels.filter((p) => p.type !== 'row');

  it('is a current dashboard with a ${DS_PROMETHEUS} input that every panel and query uses', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.__inputs).toContainEqual(expect.objectContaining({ name: 'DS_PROMETHEUS', pluginId: 'prometheus' }));
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const panel of queried) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource?.uid, panel.title).toBe('${DS_PROMETHEUS}');
      expect(panel.gridPos, panel.title).toBeDefined();
    }
  });

  it('queries only series the server exports or the agreed drift and score series', () => {
    for (const panel of queried) {
      for (const { expr } of panel.targets ?? []) {
        const names = seriesNamesIn(expr ?? '');
        expect(names.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
        expect(names.filter((name) => !series.has(name)), `${panel.title}: ${expr}`).toEqual([]);
      }
    }
    for (const variable of dashboard.templating.list) {
      const metric = /^label_values\(([\w:]+)/.exec(variable.query.query)?.[1];
      expect(metric !== undefined && series.has(metric), variable.name).toBe(true);
    }
  });

  it('has the executive, on-call and debug views, each with what its readers look for', () => {
    const rows = dashboard.panels.filter((p) => p.type === 'row');
    expect(rows.map((r) => r.title.split(':')[0])).toEqual(['Executive', 'On-call', 'Debug']);
    // A view is its row and the panels after it, up to the next row.
    const views = rows.map((row, i) => {
      const from = dashboard.panels.indexOf(row);
      const to = i + 1 < rows.length ? dashboard.panels.indexOf(rows[i + 1]) : dashboard.panels.length;
      const inView = [...(row.panels ?? []), ...dashboard.panels.slice(from + 1, to)];
      return new Set(inView.flatMap((p) => (p.targets ?? []).flatMap((t) => seriesNamesIn(t.expr ?? ''))));
    });
    const [executive, onCall, debug] = views;
    for (const name of ['native_ner_http_requests_total', 'native_ner_entities_total', 'native_ner_drift_alert']) expect(executive.has(name), name).toBe(true);
    for (const name of ['native_ner_http_request_duration_seconds_bucket', 'native_ner_errors_total', 'native_ner_drift_alert']) expect(onCall.has(name), name).toBe(true);
    for (const name of ['native_ner_entity_score_bucket', 'native_ner_drift_psi', 'native_ner_drift_js_distance', 'native_ner_drift_ks_statistic', 'native_ner_model_info']) {
      expect(debug.has(name), name).toBe(true);
    }
    const latency = panels.find((p) => p.title.startsWith('Request latency'));
    expect(latency?.targets?.map((t) => /histogram_quantile\(([\d.]+)/.exec(t.expr ?? '')?.[1])).toEqual(['0.5', '0.95', '0.99']);
  });
});
