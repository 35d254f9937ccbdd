// The HTTP service's /metrics text (Prometheus exposition format 0.0.4): histograms, labelled counters and the
// whole page, rendered from counts made by hand. No model, no server.
import { describe, expect, it } from 'vitest';
import { Histogram, LabelledCounter, LabelPairCounter, LATENCY_BUCKETS, Metrics } from '../../lib/server';

describe('Histogram', () => {
  it('renders cumulative buckets, +Inf, sum and count', () => {
    const histogram = new Histogram();
    for (const seconds of [0.0005, 0.001, 0.003, 0.2, 20]) histogram.observe(seconds);
    expect(histogram.render('t_seconds', 'Time.')).toEqual([
      '# HELP t_seconds Time.',
      '# TYPE t_seconds histogram',
      't_seconds_bucket{le="0.001"} 2', // a value on a bound falls in its bucket
      't_seconds_bucket{le="0.0025"} 2',
      't_seconds_bucket{le="0.005"} 3',
      't_seconds_bucket{le="0.01"} 3',
      't_seconds_bucket{le="0.025"} 3',
      't_seconds_bucket{le="0.05"} 3',
      't_seconds_bucket{le="0.1"} 3',
      't_seconds_bucket{le="0.25"} 4',
      't_seconds_bucket{le="0.5"} 4',
      't_seconds_bucket{le="1"} 4',
      't_seconds_bucket{le="2.5"} 4',
      't_seconds_bucket{le="5"} 4',
      't_seconds_bucket{le="10"} 4',
      't_seconds_bucket{le="+Inf"} 5',
      `t_seconds_sum ${0.0005 + 0.001 + 0.003 + 0.2 + 20}`,
      't_seconds_count 5',
    ]);
  });

  it('renders zeros before anything is observed, with buckets in increasing order', () => {
    const lines = new Histogram().render('h', 'H.');
    expect(lines).toHaveLength(2 + LATENCY_BUCKETS.length + 3);
    expect(lines.slice(2).every((l) => l.endsWith(' 0'))).toBe(true);
    expect([...LATENCY_BUCKETS].sort((a, b) => a - b)).toEqual(LATENCY_BUCKETS);
  });
});

describe('LabelledCounter', () => {
  it('adds per label, renders labels sorted and escapes backslashes, quotes and newlines', () => {
    const counter = new LabelledCounter();
    counter.add('PER');
    counter.add('LOC', 3);
    counter.add('PER');
    counter.add('a"b\\c\nd');
    expect(counter.render('entities_total', 'Entities.', 'label')).toEqual([
      '# HELP entities_total Entities.',
      '# TYPE entities_total counter',
      'entities_total{label="LOC"} 3',
      'entities_total{label="PER"} 2',
      'entities_total{label="a\\"b\\\\c\\nd"} 1',
    ]);
    expect(new LabelledCounter().render('none_total', 'None.', 'code')).toHaveLength(2);
  });
});

describe('LabelPairCounter', () => {
  it('adds per pair of values, renders both labels sorted by the first then the second, escaped', () => {
    const counter = new LabelPairCounter();
    counter.add('PER', 'mask');
    counter.add('LOC', 'replace', 2);
    counter.add('PER', 'hash');
    counter.add('PER', 'mask');
    counter.add('a"b', 'c\nd');
    expect(counter.render('redactions_total', 'Redactions.', ['label', 'operator'])).toEqual([
      '# HELP redactions_total Redactions.',
      '# TYPE redactions_total counter',
      'redactions_total{label="LOC",operator="replace"} 2',
      'redactions_total{label="PER",operator="hash"} 1',
      'redactions_total{label="PER",operator="mask"} 2',
      'redactions_total{label="a\\"b",operator="c\\nd"} 1',
    ]);
  });
});

describe('Metrics', () => {
  const metrics = new Metrics();
  metrics.requests.add('200', 4);
  metrics.requests.add('413');
  metrics.errors.add('ERR_BODY_TOO_LARGE');
  metrics.entities.add('LOC', 2);
  metrics.redactions.add('PER', 'pseudonym', 3);
  metrics.texts = 7;
  metrics.requestSeconds.observe(0.02);
  metrics.inferenceSeconds.observe(0.01);
  const text = metrics.render(3, 120);
  const lines = text.split('\n');

  it('renders every family with HELP and TYPE once, and ends with a newline', () => {
    expect(text.endsWith('\n')).toBe(true);
    const families = {
      native_ner_http_requests_total: 'counter',
      native_ner_http_request_duration_seconds: 'histogram',
      native_ner_inference_duration_seconds: 'histogram',
      native_ner_texts_total: 'counter',
      native_ner_tokens_total: 'counter',
      native_ner_entities_total: 'counter',
      native_ner_redactions_total: 'counter',
      native_ner_errors_total: 'counter',
      native_ner_http_requests_in_flight: 'gauge',
    };
    expect(lines.filter((l) => l.startsWith('# TYPE '))).toEqual(Object.entries(families).map(([name, type]) => `# TYPE ${name} ${type}`));
    expect(lines.filter((l) => l.startsWith('# HELP ')).map((l) => l.split(' ')[2])).toEqual(Object.keys(families));
  });

  it('gives every sample a family, labels in quotes and a number', () => {
    const samples = lines.filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples.length).toBeGreaterThan(30);
    for (const sample of samples) {
      expect(sample).toMatch(/^native_ner_[a-z_]+(\{[a-z]+="(?:[^"\\]|\\.)*"(,[a-z]+="(?:[^"\\]|\\.)*")*\})? -?\d+(\.\d+)?(e-?\d+)?$/);
    }
  });

  it('renders the counts it was given and the figures passed in', () => {
    for (const line of [
      'native_ner_http_requests_total{code="200"} 4',
      'native_ner_http_requests_total{code="413"} 1',
      'native_ner_errors_total{code="ERR_BODY_TOO_LARGE"} 1',
      'native_ner_entities_total{label="LOC"} 2',
      'native_ner_redactions_total{label="PER",operator="pseudonym"} 3',
      'native_ner_texts_total 7',
      'native_ner_tokens_total 120',
      'native_ner_http_requests_in_flight 3',
      'native_ner_http_request_duration_seconds_bucket{le="0.025"} 1',
      'native_ner_http_request_duration_seconds_bucket{le="0.01"} 0',
      'native_ner_inference_duration_seconds_bucket{le="0.01"} 1',
      'native_ner_inference_duration_seconds_count 1',
    ]) {
      expect(lines).toContain(line);
    }
  });
});
