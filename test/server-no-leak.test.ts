// What a client sends never reaches the service's logs or metrics: `native-ner serve` runs as a child process with
// its stdout and stderr captured, every route gets texts (and option names, option values, paths, headers) carrying
// unique markers, good requests and every error path, and afterwards neither the output nor the /metrics and
// /healthz bodies may hold any marker, nor the server's redaction keys. A control marker that the server does print
// (in the rules file's path, which serve logs at start) shows the capture works. The whole run is made twice: without
// a request log, and with one (serve --request-log FILE, texts not enabled), whose file is scanned too; a request id
// that is an id (hex) is its control, a free-text x-request-id carrying a marker must not reach it. The second run
// also monitors drift (serve --baseline FILE, judged from one observation), so its gauges and histograms are scanned.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, CONLL_MODEL } from './helpers';

/** Every marker sent to the server; none may come out of it except in answers to the client that sent it. */
const markers: string[] = [];

/** A new marker: letters the model's tokenizer keeps whole enough, unique to this run. */
function marker(): string {
  const value = `Zq${randomBytes(6).toString('hex')}`;
  markers.push(value);
  return value;
}

/** A name, an email address and a phone-like number, each carrying its own marker. */
function personalText(): string {
  return `Mr. ${marker()} Smith wrote from ${marker()}@example.com to Angela ${marker()} in Berlin.`;
}

interface Served {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote so far. */
  output(): { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

/** `native-ner serve ARGS` with all of its stdout and stderr kept, resolved once it listens. */
async function serveCapturingOutput(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const match = /serving .* on (http:\/\/\S+)\s/.exec(stderr);
      if (match) resolve(match[1]);
    });
    void exited.then(() => reject(new Error(`serve exited early: ${stderr}`)));
  });
  return { child, url, output: () => ({ stdout, stderr }), exited };
}

/** Writes `request` as is on a new connection and resolves with whatever comes back once the connection closes. */
function rawExchange(base: string, request: string | Buffer, options: { closeAfterMs?: number } = {}): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('error', () => undefined); // a reset is one of the outcomes here; what matters is the server's output
    socket.once('close', () => resolve(received));
    socket.write(request);
    if (options.closeAfterMs !== undefined) setTimeout(() => socket.destroy(), options.closeAfterMs);
  });
}

async function send(url: string, init?: RequestInit): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(url, init);
  return { status: response.status, text: await response.text(), headers: response.headers };
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  return send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The markers found in `text`, in any letter case (a log might upper-case a value). */
function markersIn(text: string): string[] {
  const lower = text.toLowerCase();
  return markers.filter((m) => lower.includes(m.toLowerCase()));
}

const scratch = mkdtempSync(join(tmpdir(), 'native-ner-no-leak-'));
// The control: serve prints the rules file's path at start, so this marker must be found in its stderr.
const controlMarker = `Ctl${randomBytes(6).toString('hex')}`;
const rulesDir = join(scratch, controlMarker);
mkdirSync(rulesDir);
const rulesFile = join(rulesDir, 'rules.json');
writeFileSync(rulesFile, JSON.stringify({ builtins: ['EMAIL'] }));
// The server's keys: secrets no output may show either.
const hashKeyHex = randomBytes(32).toString('hex');
const encryptKeyHex = randomBytes(32).toString('hex');
const hashKeyFile = join(scratch, 'hash.key');
const encryptKeyFile = join(scratch, 'encrypt.key');
writeFileSync(hashKeyFile, hashKeyHex);
writeFileSync(encryptKeyFile, encryptKeyHex);

const MAX_BODY_BYTES = 4096;
const MAX_TEXTS = 4;
const REQUEST_TIMEOUT_MS = 1500;

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const RUNS = [
  { what: 'its logs and metrics', requestLog: null, drift: false },
  { what: 'its logs, metrics (drift gauges too) and request log', requestLog: join(scratch, 'requests.jsonl'), drift: true },
];

/** A drift baseline of a few texts without markers (native-ner profile), for the run that monitors drift. */
function writeBaseline(): string {
  const texts = join(scratch, 'baseline-texts.txt');
  writeFileSync(texts, 'Angela Merkel met Emmanuel Macron in Paris.\nReuters reported from Berlin on Monday.\n');
  const profile = spawnSync(process.execPath, [CLI, 'profile', '--model', CONLL_MODEL, '--rules', rulesFile, texts], { encoding: 'utf8' });
  if (profile.status !== 0) throw new Error(`native-ner profile failed: ${profile.stderr}`);
  const file = join(scratch, 'baseline.json');
  writeFileSync(file, profile.stdout);
  return file;
}

describe.each(RUNS)('native-ner serve keeps what clients send out of $what', ({ requestLog, drift }) => {
  let served: Served;
  let base: string;
  let metricsBody = '';
  let healthBody = '';
  let exitCode: number | null = null;
  // A client's request id that is an id is logged as given: the control that ids from clients reach the log.
  const hexRequestId = randomBytes(16).toString('hex');

  beforeAll(async () => {
    served = await serveCapturingOutput([
      ...(requestLog === null ? [] : ['--request-log', requestLog]),
      ...(drift ? ['--baseline', writeBaseline(), '--drift-min-count', '1'] : []),
      '--model', CONLL_MODEL,
      '--port', '0',
      '--rules', rulesFile,
      '--max-body-bytes', String(MAX_BODY_BYTES),
      '--max-texts', String(MAX_TEXTS),
      '--headers-timeout-ms', '1000',
      '--request-timeout-ms', String(REQUEST_TIMEOUT_MS),
      '--hash-key', hashKeyFile,
      '--encrypt-key', encryptKeyFile,
      '--operator', 'EMAIL=hash',
    ]);
    base = served.url;
  });

  afterAll(() => {
    if (served?.child.exitCode === null) served.child.kill('SIGKILL');
  });

  it('answers good /extract requests, whose entities show the markers reached the model', async () => {
    const texts = [personalText(), personalText()];
    const many = await post(`${base}/extract`, { texts }, { 'user-agent': `agent-${marker()}`, 'x-user': marker(), 'x-request-id': marker() });
    expect(many.status).toBe(200);
    expect(markersIn(many.headers.get('x-request-id') ?? '')).toEqual([]); // free text is not an id: replaced
    // The answer holds the marked words as entities: the markers went all the way through the pipeline.
    const found = (JSON.parse(many.text) as { entities: { text: string; label: string }[][] }).entities.flat();
    expect(found.some((e) => e.label === 'EMAIL' && markersIn(e.text).length === 1)).toBe(true);
    expect(markersIn(many.text).length).toBeGreaterThan(0);

    const one = await post(
      `${base}/extract?who=${marker()}`,
      { text: personalText(), options: { labels: ['PER', 'EMAIL'] } },
      { 'x-request-id': hexRequestId },
    );
    expect(one.status).toBe(200);
    expect(one.headers.get('x-request-id')).toBe(hexRequestId);
  });

  it('answers every /extract error path', async () => {
    const expectStatus = async (answer: Promise<{ status: number; text: string }>, status: number) => {
      expect((await answer).status).toBe(status);
    };
    const url = `${base}/extract`;
    await expectStatus(post(url, `{"text": "${personalText()}"`), 400); // malformed JSON
    await expectStatus(post(url, JSON.stringify(personalText())), 400); // not an object
    await expectStatus(post(url, { texts: [personalText()], [marker()]: personalText() }), 400); // unknown field
    await expectStatus(post(url, { texts: [personalText(), 7] }), 400); // a text that is not a string
    await expectStatus(post(url, { text: personalText(), texts: [personalText()] }), 400);
    await expectStatus(post(url, { text: personalText(), options: { [marker()]: marker() } }), 400); // unknown option name
    await expectStatus(post(url, { text: personalText(), options: { aggregation: marker() } }), 400); // bad choice value
    await expectStatus(post(url, { text: personalText(), options: { segment: marker() } }), 400);
    await expectStatus(post(url, { text: personalText(), options: { labels: [marker()] } }), 400); // unknown entity type
    await expectStatus(post(url, { text: personalText(), options: { stride: marker() } }), 400); // wrong type
    await expectStatus(post(url, { text: personalText(), options: { minScore: [marker()] } }), 400);
    await expectStatus(post(url, { text: personalText(), options: { rules: `/tmp/${marker()}.json` } }), 400);
    await expectStatus(post(url, { text: personalText(), options: { stride: 100_000 } }), 400); // over --max-stride
    await expectStatus(post(url, { text: personalText(), options: marker() }), 400);
    await expectStatus(post(url, { text: personalText(), options: { maxTextLength: 10 } }), 413); // text too long
    await expectStatus(post(url, { texts: Array.from({ length: MAX_TEXTS + 1 }, personalText) }), 413); // too many texts
    await expectStatus(post(url, { texts: [personalText(), marker().repeat(400)] }), 413); // body too large
    await expectStatus(post(url, { text: personalText() }, { 'content-type': `text/${marker()}` }), 415);
    await expectStatus(send(`${url}?q=${marker()}`, { method: 'PUT', body: personalText() }), 405); // wrong method
    await expectStatus(send(`${base}/${marker()}`, { method: 'POST', body: personalText() }), 404); // unknown route
    await expectStatus(send(`${base}/${marker()}?${marker()}=1`), 404);
  });

  it('answers good /redact requests with every operator, originals included when asked', async () => {
    const url = `${base}/redact`;
    for (const operator of ['replace', 'mask', 'mask:#:2', 'remove', 'hash', 'hash:12', 'pseudonym', 'encrypt', 'keep']) {
      const answer = await post(url, { texts: [personalText(), personalText()], options: { operators: { '*': operator }, pseudonyms: 'call' } });
      expect(answer.status, operator).toBe(200);
    }
    const withOriginals = await post(url, {
      text: personalText(),
      options: { includeOriginal: true, operators: { PER: { type: 'replace', with: `[${marker()}]` } }, allow: [marker()] },
    });
    expect(withOriginals.status).toBe(200);
    // The originals came back to the client that sent them: the markers were in the redaction's hands.
    const { items } = (JSON.parse(withOriginals.text) as { redacted: { items: { label: string; original?: string }[] } }).redacted;
    expect(items.some((item) => item.label === 'EMAIL' && markersIn(item.original ?? '').length === 1)).toBe(true);
  });

  it('answers every /redact error path', async () => {
    const url = `${base}/redact`;
    const expectStatus = async (body: unknown, status: number) => {
      expect((await post(url, body)).status, JSON.stringify(body).slice(0, 60)).toBe(status);
    };
    await expectStatus(`{"text": "${personalText()}", "options": {"operators": {"PER": "${marker()}`, 400);
    await expectStatus({ text: personalText(), options: { keys: { hash: marker() } } }, 400);
    await expectStatus({ text: personalText(), options: { operators: { PER: marker() } } }, 400);
    await expectStatus({ text: personalText(), options: { operators: { PER: `mask:${marker()}` } } }, 400);
    await expectStatus({ text: personalText(), options: { operators: { PER: { type: 'mask', char: marker() } } } }, 400);
    await expectStatus({ text: personalText(), options: { operators: { PER: { type: 'replace', [marker()]: marker() } } } }, 400);
    await expectStatus({ text: personalText(), options: { operators: { [marker()]: 'mask' } } }, 400); // unknown label
    await expectStatus({ text: personalText(), options: { minScores: { [marker()]: 0.5 } } }, 400);
    await expectStatus({ text: personalText(), options: { minScores: { PER: marker() } } }, 400);
    await expectStatus({ text: personalText(), options: { pseudonyms: marker() } }, 400);
    await expectStatus({ text: personalText(), options: { pseudonyms: { PER: [marker()] } } }, 400);
    await expectStatus({ text: personalText(), options: { allow: marker() } }, 400);
    await expectStatus({ text: personalText(), options: { [marker()]: true } }, 400);
    await expectStatus({ texts: Array.from({ length: MAX_TEXTS + 1 }, personalText) }, 413);
    await expectStatus({ text: personalText(), options: { maxTextLength: 10 } }, 413);
    expect((await send(`${url}?${marker()}`, { body: personalText(), method: 'PUT' })).status).toBe(405);
  });

  it('answers bodies too large, chunked or declared, aborted and slow uploads and malformed HTTP', async () => {
    const { host } = new URL(base);
    // Declared too large: refused on content-length before the body is read.
    const bigBody = JSON.stringify({ text: `${personalText()} `.repeat(60) });
    const declared = await rawExchange(
      base,
      `POST /extract HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(bigBody)}\r\nconnection: close\r\n\r\n${bigBody}`,
    );
    expect(declared).toMatch(/^HTTP\/1\.1 413/);
    // Chunked, growing past the limit while it is read.
    const chunks = Array.from({ length: 8 }, (_, i) => {
      const piece = `${i === 0 ? '{"text": "' : ''}${personalText()} `.repeat(6);
      return `${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`;
    }).join('');
    const chunked = await rawExchange(
      base,
      `POST /extract HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n${chunks}0\r\n\r\n`,
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 413/);
    // The client gives up halfway through its body (499), and one too slow to finish it (408).
    const partial = `{"texts": ["${personalText()}", "${personalText()}`;
    const head = `POST /extract HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ncontent-length: 2000\r\n\r\n`;
    await rawExchange(base, head + partial, { closeAfterMs: 100 });
    const slow = await rawExchange(base, head + partial);
    expect(slow).toMatch(/^HTTP\/1\.1 408/);
    // Not HTTP at all, with markers in the request line and a header line Node refuses.
    const malformed = await rawExchange(base, `GET /${marker()} HTTP/1.1\r\nhost: ${host}\r\n${marker()} no colon here\r\n\r\n`);
    expect(malformed).toMatch(/^HTTP\/1\.1 400/);
    const garbage = await rawExchange(base, `${personalText()}\r\n\r\n`);
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
  });

  it('answers /healthz and /metrics with markers in paths and headers', async () => {
    const health = await fetch(`${base}/healthz?name=${marker()}`, { headers: { 'x-user': marker() } });
    expect(health.status).toBe(200);
    healthBody = await health.text();
    expect((await fetch(`${base}/healthz`, { method: 'POST', body: personalText() })).status).toBe(405);
    const metrics = await fetch(`${base}/metrics?${marker()}`, { headers: { authorization: `Bearer ${marker()}` } });
    expect(metrics.status).toBe(200);
    metricsBody = await metrics.text();
    // The metrics did count this run's requests (the markers' absence below is not an empty page's).
    expect(metricsBody).toMatch(/^native_ner_entities_total\{label="EMAIL"\} [1-9]/m);
    expect(metricsBody).toMatch(/^native_ner_http_requests_total\{code="408"\} 1$/m);
    expect(metricsBody).toMatch(/^native_ner_redactions_total\{label="EMAIL",operator="hash"\} [1-9]/m);
    if (drift) {
      expect(metricsBody).toMatch(/^native_ner_drift_window_texts [1-9]/m);
      expect(metricsBody).toMatch(/^native_ner_drift_psi\{signal="entity_type_mix"\} /m);
      expect(metricsBody).toMatch(/^native_ner_entity_score_count\{label="EMAIL"\} [1-9]/m);
    }
  });

  it('writes no marker to stdout, stderr, /metrics or /healthz, through shutdown', async () => {
    served.child.kill('SIGTERM');
    exitCode = await served.exited;
    expect(exitCode).toBe(0);
    const { stdout, stderr } = served.output();
    // The control: what the server does print is captured, and it says how /redact is set up, without the keys.
    expect(stderr).toContain(controlMarker);
    expect(stderr).toContain('native-ner: /redact: default operators EMAIL=hash; hash and encrypt keys loaded\n');
    expect(markers.length).toBeGreaterThan(60);
    // The request log's control: a line for each request answered, the client's hex request id among them.
    const log = requestLog === null ? '' : readFileSync(requestLog, 'utf8');
    if (requestLog !== null) {
      expect(log.trim().split('\n').length).toBeGreaterThan(40);
      expect(log).toContain(`"id":"${hexRequestId}"`);
      expect(log).toMatch(/"status":408/);
    }
    const everything = (stdout + stderr + metricsBody + healthBody + log).toLowerCase();
    expect(everything).not.toContain(hashKeyHex);
    expect(everything).not.toContain(encryptKeyHex);
    expect({
      stdout: markersIn(stdout),
      stderr: markersIn(stderr),
      metrics: markersIn(metricsBody),
      healthz: markersIn(healthBody),
      requestLog: markersIn(log),
    }).toEqual({ stdout: [], stderr: [], metrics: [], healthz: [], requestLog: [] });
  });
});
