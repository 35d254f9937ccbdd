import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, NativeNer, readConll, type NerService } from '../lib';
import { CONLL_MODEL, SHARED } from './helpers';

const sentences = readConll(join(SHARED, 'datasets', 'conll2003', 'eng.testb')).sentences.map((s) => s.text);

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('HTTP service', () => {
  let ner: NativeNer;
  let service: NerService;
  let base: string;
  beforeAll(async () => {
    ner = await NativeNer.load(CONLL_MODEL);
    service = createService(ner, { maxBodyBytes: 64 * 1024, maxTexts: 50 });
    await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
    base = service.url();
  });
  afterAll(() => service.shutdown());

  it('answers concurrent clients, each with the entities of its own texts', async () => {
    const batches = Array.from({ length: 60 }, (_, i) => sentences.slice(i * 3, i * 3 + 3));
    const direct = await ner.extract(batches.flat());
    const answers = await Promise.all(batches.map((texts) => post(`${base}/extract`, { texts })));
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(200);
      expect(answer.body.entities).toEqual(JSON.parse(JSON.stringify(direct.slice(i * 3, i * 3 + 3))));
    });
    const one = await post(`${base}/extract`, { text: 'John Smith lives in London.', options: { labels: ['LOC'] } });
    expect((one.body.entities as { text: string }[]).map((e) => e.text)).toEqual(['London']);
  });

  it('gives clear 4xx errors for bad requests', async () => {
    const expectError = async (promise: ReturnType<typeof post>, status: number, code: string) => {
      const { status: got, body } = await promise;
      expect(got).toBe(status);
      expect((body.error as { code: string }).code).toBe(code);
    };
    await expectError(post(`${base}/extract`, '{"texts": ['), 400, 'ERR_BAD_JSON');
    await expectError(post(`${base}/extract`, { texts: 'Paris' }), 400, 'ERR_BAD_REQUEST');
    await expectError(post(`${base}/extract`, { texts: ['a'], extra: 1 }), 400, 'ERR_BAD_REQUEST');
    await expectError(post(`${base}/extract`, { texts: ['a'], options: { aggregation: 'fancy' } }), 400, 'ERR_INVALID_ARGUMENT');
    await expectError(post(`${base}/extract`, { texts: Array(51).fill('a') }), 413, 'ERR_TOO_MANY_TEXTS');
    await expectError(post(`${base}/extract`, { texts: ['x'.repeat(70 * 1024)] }), 413, 'ERR_BODY_TOO_LARGE');
    await expectError(post(`${base}/extract`, { texts: ['a'] }, { 'content-type': 'text/plain' }), 415, 'ERR_UNSUPPORTED_MEDIA_TYPE');
    const get = await fetch(`${base}/extract`);
    expect(get.status).toBe(405);
    const missing = await fetch(`${base}/nowhere`);
    expect(missing.status).toBe(404);
  });

  it('reports health and Prometheus metrics that count what was served', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', entityTypes: ['MISC', 'PER', 'ORG', 'LOC'] });

    await post(`${base}/extract`, { texts: ['Angela Merkel visited Paris.', 'Paris again.'] });
    const text = await (await fetch(`${base}/metrics`)).text();
    const value = (line: string) => Number(text.split('\n').find((l) => l.startsWith(line + ' '))?.split(' ').pop());
    expect(value('native_ner_http_requests_total{code="200"}')).toBeGreaterThanOrEqual(62);
    expect(value('native_ner_http_requests_total{code="400"}')).toBeGreaterThanOrEqual(4);
    expect(value('native_ner_texts_total')).toBeGreaterThanOrEqual(183);
    expect(value('native_ner_tokens_total')).toBeGreaterThan(value('native_ner_texts_total'));
    expect(value('native_ner_entities_total{label="LOC"}')).toBeGreaterThanOrEqual(2);
    expect(value('native_ner_errors_total{code="ERR_BAD_JSON"}')).toBe(1);
    expect(value('native_ner_inference_duration_seconds_count')).toBeGreaterThanOrEqual(62);
    expect(text).toMatch(/^# TYPE native_ner_http_request_duration_seconds histogram$/m);
    expect(value('native_ner_http_request_duration_seconds_bucket{le="+Inf"}')).toBe(
      value('native_ner_http_request_duration_seconds_count'),
    );
  });
});

describe('graceful shutdown', () => {
  it('answers the requests in flight, then refuses new connections and releases the model', async () => {
    const ner = await NativeNer.load(CONLL_MODEL);
    const service = createService(ner);
    await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
    const base = service.url();
    const inFlight = Array.from({ length: 8 }, (_, i) => post(`${base}/extract`, { texts: sentences.slice(i * 100, i * 100 + 100) }));
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the requests arrive
    await service.shutdown();
    for (const answer of await Promise.all(inFlight)) {
      expect(answer.status).toBe(200);
      expect(answer.body.entities).toHaveLength(100);
    }
    await expect(fetch(`${base}/healthz`)).rejects.toThrowError();
    expect(ner.disposed).toBe(true);
  });

  it('native-ner serve exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'cli.js'), 'serve', '--model', CONLL_MODEL, '--port', '0']);
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const match = /on (http:\/\/\S+)/.exec(stderr);
        if (match) resolve(match[1]);
      });
      child.on('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    const answer = await post(`${url}/extract`, { text: 'Paris is nice.' });
    expect(answer.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
