import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createService, NativeNer, NerError, readConll, type NerService, type ServeOptions } from '../lib';
import { CONLL_MODEL, runCli, SHARED, startServe, useModel } from './helpers';

const sentences = readConll(join(SHARED, 'datasets', 'conll2003', 'eng.testb')).sentences.map((s) => s.text);

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/**
 * POSTs `body` with node:http, with a content-length header or (chunked) in 1 MiB writes, and resolves once the
 * connection is done; any socket error while writing (EPIPE, ECONNRESET) rejects.
 */
function upload(url: string, body: Buffer, framing: 'content-length' | 'chunked'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (framing === 'content-length') headers['content-length'] = body.length;
    const req = request(url, { method: 'POST', headers });
    let answer: Answer | undefined;
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        answer = { status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString()) };
      });
    });
    req.on('error', reject);
    req.on('close', () => (answer ? resolve(answer) : reject(new Error('the connection closed without an answer'))));
    if (framing === 'content-length') {
      req.end(body);
    } else {
      for (let at = 0; at < body.length; at += 1 << 20) req.write(body.subarray(at, at + (1 << 20)));
      req.end();
    }
  });
}

describe('HTTP service', () => {
  // The service owns the model: its shutdown disposes it (useModel's dispose after that is harmless).
  const model = useModel(CONLL_MODEL);
  let service: NerService;
  let base: string;
  beforeAll(async () => {
    service = createService(model(), { maxBodyBytes: 64 * 1024, maxTexts: 50 });
    await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
    base = service.url();
  });
  afterAll(() => service.shutdown());

  it('answers concurrent clients, each with the entities of its own texts', async () => {
    const ner = model();
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

  it('names the model, the sha256 of its ONNX file and its identity in /healthz, not its path', async () => {
    const ner = model();
    const health = (await (await fetch(`${base}/healthz`)).json()) as Record<string, unknown>;
    const sha256 = createHash('sha256').update(readFileSync(ner.info.modelPath)).digest('hex');
    expect(health.model).toEqual({ name: 'conll03-bert-small', sha256, identity: ner.info.identity });
    expect(JSON.stringify(health)).not.toContain(dirname(ner.info.modelPath));
  });

  it('answers HEAD on /healthz and /metrics with the headers and no body', async () => {
    for (const path of ['/healthz', '/metrics']) {
      const head = await fetch(`${base}${path}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
      expect(await head.text()).toBe('');
    }
    const post = await fetch(`${base}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('refuses a stride over the server limit, naming the limit and its flag', async () => {
    const over = await post(`${base}/extract`, { text: 'Paris is nice.', options: { stride: 257 } });
    expect(over.status).toBe(400);
    expect(over.body.error).toEqual({ code: 'ERR_INVALID_ARGUMENT', message: "stride 257 is over this server's limit of 256 (--max-stride)" });
    expect((await post(`${base}/extract`, { text: 'Paris is nice.', options: { stride: 256 } })).status).toBe(200);
  });

  it("gives extract the server's window and time limits, and a client's own only when smaller", async () => {
    const ner = model();
    const extract = vi.spyOn(ner, 'extract');
    try {
      for (const options of [undefined, { maxWindows: 3, timeoutMs: 5000 }, { maxWindows: 10_000, timeoutMs: 60_000 }]) {
        expect((await post(`${base}/extract`, { text: 'Paris is nice.', options })).status).toBe(200);
      }
      const limits = extract.mock.calls.map(([, options]) => [options?.maxWindows, options?.timeoutMs]);
      expect(limits).toEqual([
        [512, 30_000],
        [3, 5000],
        [512, 30_000],
      ]);
    } finally {
      extract.mockRestore();
    }
  });

  it('answers 413 to a request needing too many windows, 503 with Retry-After to one that timed out', async () => {
    const ner = model();
    const extract = vi
      .spyOn(ner, 'extract')
      .mockRejectedValueOnce(new NerError('ERR_TOO_MANY_WINDOWS', 'the texts need 900 model windows, over maxWindows 512'))
      .mockRejectedValueOnce(new NerError('ERR_TIMEOUT', 'the call was not done within timeoutMs 30000'));
    try {
      const windows = await post(`${base}/extract`, { text: 'Paris is nice.' });
      expect(windows.status).toBe(413);
      expect(windows.body.error).toMatchObject({ code: 'ERR_TOO_MANY_WINDOWS', message: expect.stringContaining('(--max-windows)') });
      const late = await fetch(`${base}/extract`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'Paris is nice.' }),
      });
      expect(late.status).toBe(503);
      expect(late.headers.get('retry-after')).toBe('1');
      expect(((await late.json()) as { error: unknown }).error).toMatchObject({
        code: 'ERR_TIMEOUT',
        message: expect.stringContaining('(--extract-timeout-ms)'),
      });
    } finally {
      extract.mockRestore();
    }
  });

  it('answers a 50 MB body with a readable 413 and connection: close, without EPIPE', async () => {
    const body = Buffer.alloc(50 << 20, 0x20);
    for (const framing of ['content-length', 'chunked'] as const) {
      const answer = await upload(`${base}/extract`, body, framing);
      expect(answer.status).toBe(413);
      expect(answer.headers.connection).toBe('close');
      expect((answer.body.error as { code: string }).code).toBe('ERR_BODY_TOO_LARGE');
    }
  });

  it('checks its options: types, ranges, unknown names and the timeouts against each other', () => {
    const ner = model();
    const failure = (options: unknown) => {
      try {
        createService(ner, options as ServeOptions);
      } catch (error) {
        return error as Error;
      }
      throw new Error(`createService accepted ${inspect(options)}`);
    };
    for (const options of [{ maxBodyBytes: NaN }, { maxTexts: NaN }, { maxBodyBytes: -1 }, { maxStride: 0.5 }, { shutdownGraceMs: -1 }]) {
      const error = failure(options);
      expect(error).toBeInstanceOf(NerError);
      expect((error as NerError).code).toBe('ERR_INVALID_ARGUMENT');
    }
    expect(failure({ maxTexts: '1000' })).toBeInstanceOf(TypeError);
    expect(failure(null)).toBeInstanceOf(TypeError);
    expect(failure({ maxBody: 5 }).message).toBe(
      "unknown serve option 'maxBody'; known: maxBodyBytes, maxTexts, maxStride, maxWindows, extractTimeoutMs, " +
        'headersTimeoutMs, requestTimeoutMs, shutdownGraceMs, shadowShare, shadowMaxCalls, shadowTimeoutMs, requestLog, logTexts',
    );
    expect(failure({ headersTimeoutMs: 5000, requestTimeoutMs: 1000 }).message).toMatch(/headersTimeoutMs.*requestTimeoutMs/);
  });
});

describe('native-ner serve flags', () => {
  const run = async (args: string[]) => {
    const { status: code, stdout, stderr } = runCli(['serve', ...args]);
    return { code, stdout, stderr };
  };

  it('lists every service limit with its default in --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    for (const line of [
      '--max-body-bytes N     largest request body, in bytes (default 1048576)',
      '--max-stride N         largest options.stride a request may ask for (default 256)',
      '--max-windows N        most model windows one request may need (default 512)',
      "--extract-timeout-ms N ms one request's extract call may take (default 30000)",
      '--headers-timeout-ms N ms a client has to send the headers (default 10000)',
      '--request-timeout-ms N ms a client has to send a whole request (default 30000)',
      '--shutdown-grace-ms N  ms requests in flight get on SIGTERM/SIGINT (default 10000)',
    ]) {
      expect(stdout).toContain(line);
    }
  });

  it('refuses a limit out of range before loading the model, naming the flag', async () => {
    const { code, stderr } = await run(['--model', '/nonexistent', '--max-stride=-1']);
    expect(code).toBe(2);
    expect(stderr).toContain("--max-stride needs an integer from 0 to 1048576, got '-1'");
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
    const { child, url, exited } = await startServe(['--model', CONLL_MODEL, '--port', '0']);
    try {
      const answer = await post(`${url}/extract`, { text: 'Paris is nice.' });
      expect(answer.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
