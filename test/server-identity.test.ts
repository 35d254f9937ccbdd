// Which model answered (issue 14, model identity): ner.info.identity holds the SHA-256 of the files that decide the
// outputs, the same whether loaded or constructed, and another ONNX file changes it; /healthz and /metrics'
// native_ner_model_info show it; the request log (createService requestLog, serve --request-log) writes one line
// per request with its id (a client's only if it is an id), route, status, counts, tokens, latency and the identity,
// and texts only with logTexts.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, NativeNer, type NerService } from '../lib';
import type { RequestLogLine } from '../lib/request-log';
import { CONLL_MODEL, runCli, startServe } from './helpers';

const fileSha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const scratch = mkdtempSync(join(tmpdir(), 'native-ner-identity-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

function readLog(path: string): RequestLogLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as RequestLogLine);
}

/** A service over its own model, its request log in `logFile`, listening on a free port. */
async function serveWithLog(logFile: string, logTexts = false): Promise<{ service: NerService; ner: NativeNer; base: string }> {
  const ner = await NativeNer.load(CONLL_MODEL);
  const service = createService(ner, { requestLog: logFile, logTexts, maxTexts: 10 });
  await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
  return { service, ner, base: service.url() };
}

describe('ner.info.identity', () => {
  it("holds each file's SHA-256 and the combined one, the same from load() and the constructor", async () => {
    const loaded = await NativeNer.load(CONLL_MODEL);
    const constructed = new NativeNer(CONLL_MODEL);
    try {
      const { identity } = loaded.info;
      expect(identity).toMatchObject({
        modelSha256: fileSha256(join(CONLL_MODEL, 'model.onnx')),
        tokenizerSha256: fileSha256(join(CONLL_MODEL, 'tokenizer.json')),
        configSha256: fileSha256(join(CONLL_MODEL, 'config.json')),
      });
      const combined = `model ${identity.modelSha256}\ntokenizer ${identity.tokenizerSha256}\nconfig ${identity.configSha256}\n`;
      expect(identity.sha256).toBe(createHash('sha256').update(combined).digest('hex'));
      expect(constructed.info.identity).toEqual(identity);
    } finally {
      await Promise.all([loaded.dispose(), constructed.dispose()]);
    }
  });

  it('tells the int8 file from the fp32 one: another model hash and identity, the same tokenizer and config', async () => {
    const [fp32, int8] = await Promise.all([NativeNer.load(CONLL_MODEL), NativeNer.load(CONLL_MODEL, { modelFile: 'model_int8.onnx' })]);
    try {
      expect(int8.info.identity.modelSha256).toBe(fileSha256(join(CONLL_MODEL, 'model_int8.onnx')));
      expect(int8.info.identity.modelSha256).not.toBe(fp32.info.identity.modelSha256);
      expect(int8.info.identity.sha256).not.toBe(fp32.info.identity.sha256);
      expect(int8.info.identity.tokenizerSha256).toBe(fp32.info.identity.tokenizerSha256);
      expect(int8.info.identity.configSha256).toBe(fp32.info.identity.configSha256);
    } finally {
      await Promise.all([fp32.dispose(), int8.dispose()]);
    }
  });
});

describe('the service shows the identity and logs each request without texts', () => {
  const logFile = join(scratch, 'requests.jsonl');
  let service: NerService;
  let ner: NativeNer;
  let base: string;
  let identity: NativeNer['info']['identity'];
  const texts = ['Angela Merkel met John Smith in Berlin.', 'Siemens opened an office in Paris.', 'nothing here'];
  const validId = '4bf92f3577b34da6a3ce929d0e0e4736';
  let answers: { id: string | null; sentId?: string; entities: { label: string }[][] }[] = [];
  let lines: RequestLogLine[] = [];

  beforeAll(async () => {
    ({ service, ner, base } = await serveWithLog(logFile));
    identity = ner.info.identity;
  });

  it('answers /healthz with the ONNX file hash as before and the whole identity', async () => {
    const health = (await (await fetch(`${base}/healthz`)).json()) as { model: unknown };
    expect(health.model).toEqual({ name: 'conll03-bert-small', sha256: identity.modelSha256, identity });
  });

  it('exports native_ner_model_info with the identity, ONNX Runtime version and device as labels of a 1', async () => {
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const info = metrics.split('\n').filter((line) => line.startsWith('native_ner_model_info'));
    expect(info).toEqual([
      `native_ner_model_info{model="conll03-bert-small",sha256="${identity.sha256}",model_sha256="${identity.modelSha256}",` +
        `tokenizer_sha256="${identity.tokenizerSha256}",config_sha256="${identity.configSha256}",` +
        `ort_version="${ner.info.ortVersion}",device="cpu"} 1`,
    ]);
    expect(metrics).toMatch(/^# TYPE native_ner_model_info gauge$/m);
  });

  it("gives every answer an x-request-id: the client's when it is an id, a new one for free text", async () => {
    const sent = [validId, 'John Smith', 'a'.repeat(65), undefined];
    const responses = await Promise.all(
      sent.map((id, i) => post(`${base}/extract`, { texts: texts.slice(0, 1 + (i % 3)) }, id === undefined ? {} : { 'x-request-id': id })),
    );
    answers = await Promise.all(
      responses.map(async (r, i) => ({ id: r.headers.get('x-request-id'), sentId: sent[i], ...((await r.json()) as { entities: { label: string }[][] }) })),
    );
    expect(answers[0].id).toBe(validId);
    for (const { id } of answers.slice(1)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(answers.map((a) => a.id)).size).toBe(4);
    // Failed requests get an id too.
    const refused = await post(`${base}/extract`, { texts: Array(11).fill('x') });
    expect(refused.status).toBe(413);
    expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const lost = await fetch(`${base}/no-such-route-${validId}`);
    expect(lost.status).toBe(404);
  });

  it('writes one line per request once the service shuts down, with the identity and no text', async () => {
    await service.shutdown();
    lines = readLog(logFile);
    expect(lines.map((l) => `${l.method} ${l.route} ${l.status}`)).toEqual([
      'GET /healthz 200',
      'GET /metrics 200',
      ...lines.slice(2, 6).map(() => 'POST /extract 200'), // the four concurrent requests, in the order they finished
      'POST /extract 413',
      'GET other 404',
    ]);
    for (const line of lines) {
      expect(line.sha256).toBe(identity.sha256);
      expect(Number.isNaN(Date.parse(line.time))).toBe(false);
      expect(line.latencyMs).toBeGreaterThanOrEqual(0);
      expect(line).not.toHaveProperty('input');
      expect(line).not.toHaveProperty('output');
    }
    const raw = readFileSync(logFile, 'utf8');
    for (const word of ['Merkel', 'Siemens', 'Paris', 'nothing', 'John Smith', 'no-such-route']) expect(raw).not.toContain(word);
    // Refused while its body was read: no texts were taken, so none are counted.
    expect(lines[6]).toMatchObject({ error: 'ERR_TOO_MANY_TEXTS', texts: 0, tokens: 0, entities: {} });
    expect(lines[7]).toMatchObject({ error: 'ERR_NOT_FOUND', texts: 0 });
  });

  it('counts texts, entities per label and model tokens of each /extract line as its answer and the tokenizer', async () => {
    const tokenizer = await NativeNer.load(CONLL_MODEL);
    try {
      for (const answer of answers) {
        const line = lines.find((l) => l.id === answer.id);
        expect(line, String(answer.sentId)).toBeDefined();
        const labels: Record<string, number> = {};
        for (const e of answer.entities.flat()) labels[e.label] = (labels[e.label] ?? 0) + 1;
        expect(line?.entities).toEqual(labels);
        expect(line?.texts).toBe(answer.entities.length);
        // One window per text: the engine's tokens are the tokenizer's, special tokens included. A line whose call
        // overlapped others' says so, and its count then holds some of theirs.
        const expected = texts.slice(0, answer.entities.length).reduce((n, t) => n + tokenizer.tokenize(t).ids.length, 0);
        if (line?.tokensShared) expect(line.tokens).toBeGreaterThanOrEqual(expected);
        else expect(line?.tokens).toBe(expected);
      }
    } finally {
      await tokenizer.dispose();
    }
  });
});

describe('the request log with logTexts', () => {
  it("holds each request's texts and its answer, and only then", async () => {
    const logFile = join(scratch, 'with-texts.jsonl');
    const { service, base } = await serveWithLog(logFile, true);
    const extract = (await (await post(`${base}/extract`, { text: 'Angela Merkel visited Paris.' })).json()) as { entities: unknown };
    const redact = (await (await post(`${base}/redact`, { texts: ['Call Angela Merkel.'] })).json()) as { redacted: unknown };
    await service.shutdown();
    const [extractLine, redactLine] = readLog(logFile);
    expect(extractLine).toMatchObject({ route: '/extract', input: ['Angela Merkel visited Paris.'], output: [extract.entities] });
    expect(redactLine).toMatchObject({ route: '/redact', input: ['Call Angela Merkel.'], output: redact.redacted, entities: { PER: 1 } });
  });
});

describe('native-ner serve --request-log', () => {
  it('writes the lines to stdout with -, and refuses --log-texts without a log', async () => {
    const served = await startServe(['--model', CONLL_MODEL, '--port', '0', '--request-log', '-']);
    let stdout = '';
    served.child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const answer = await post(`${served.url}/extract`, { text: 'Angela Merkel visited Paris.' }, { 'x-request-id': validHex() });
    expect(answer.status).toBe(200);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    const [line] = stdout.trim().split('\n').map((l) => JSON.parse(l) as RequestLogLine);
    expect(line).toMatchObject({ id: answer.headers.get('x-request-id'), route: '/extract', status: 200, texts: 1, entities: { PER: 1, LOC: 1 } });
    expect(stdout).not.toContain('Merkel');

    const refused = runCli(['serve', '--model', CONLL_MODEL, '--log-texts']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--log-texts needs --request-log FILE');
  });
});

function validHex(): string {
  return createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 32);
}
