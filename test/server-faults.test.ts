// Faults a client can inflict on the HTTP service: aborted and slow uploads, shutdown with a client still sending,
// and requests that ask for far more work than their size suggests. All traffic stays on 127.0.0.1.
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createService, NativeNer, readConll, type NerService, type ServeOptions } from '../lib';
import { CONLL_MODEL, SHARED, startServe, type ServeProcess } from './helpers';

const sentences = readConll(join(SHARED, 'datasets', 'conll2003', 'eng.testb')).sentences.map((s) => s.text);

const EXTRACT_HEAD = (contentLength: number) =>
  `POST /extract HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${contentLength}\r\n\r\n`;

/** A raw connection to `base` that has written `text`; `received` collects what the server sends back. */
async function rawClient(base: string, text: string): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.on('error', () => undefined); // a reset by the server is one of the outcomes under test
  const opened = performance.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - opened)));
  if (text) socket.write(text);
  return { socket, received: () => received, closed };
}

async function metricsOf(base: string): Promise<(line: string) => number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return (line) => {
    const found = text.split('\n').find((l) => l.startsWith(line + ' '));
    return found === undefined ? undefined : Number(found.split(' ').pop());
  };
}

/** Polls `probe` every 20 ms until it is true; fails after `ms`. */
async function until(probe: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await probe())) {
    if (performance.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves with `promise`'s value, or 'timed out' after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timed out'>((resolve) => (timer = setTimeout(() => resolve('timed out'), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A service of its own model, listening; shutting it down disposes the model. */
async function listening(options?: ServeOptions): Promise<{ ner: NativeNer; service: NerService; base: string }> {
  const ner = await NativeNer.load(CONLL_MODEL);
  const service = createService(ner, options);
  await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
  return { ner, service, base: service.url() };
}

/** Waits until the service is answering `n` requests besides the /metrics request asking. */
const inFlight = (base: string, n: number) =>
  until(async () => ((await metricsOf(base))('native_ner_http_requests_in_flight') ?? 0) >= n + 1, 5000, `${n} requests in flight`);

describe('client faults', () => {
  it('counts an aborted upload as 499, not as a server error', async () => {
    const { service, base } = await listening();
    try {
      const client = await rawClient(base, EXTRACT_HEAD(1000) + '{"texts": ');
      await inFlight(base, 1);
      client.socket.destroy();
      await until(async () => (await metricsOf(base))('native_ner_http_requests_total{code="499"}') === 1, 5000, 'a 499');
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).not.toMatch(/code="500"/);
      expect(text).not.toMatch(/ERR_INTERNAL/);
      expect(text).not.toMatch(/native_ner_errors_total\{/);
    } finally {
      await service.shutdown();
    }
  });

  it('answers 408 and closes the connection of a client too slow to send its headers or its body', async () => {
    const { service, base } = await listening({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const slowHeaders = await rawClient(base, 'POST /extract HTTP/1.1\r\nhost: 127.0.0.1\r\n');
    const slowBody = await rawClient(base, EXTRACT_HEAD(100) + '{');
    try {
      expect(await within(Promise.all([slowHeaders.closed, slowBody.closed]), 3000)).not.toBe('timed out');
      expect(slowHeaders.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(slowBody.received()).toMatch(/^HTTP\/1\.1 408 /);
      // Only the request whose headers arrived reached the service to be counted.
      const value = await metricsOf(base);
      expect(value('native_ner_http_requests_total{code="408"}')).toBe(1);
      expect(value('native_ner_errors_total{code="ERR_REQUEST_TIMEOUT"}')).toBe(1);
    } finally {
      slowHeaders.socket.destroy();
      slowBody.socket.destroy();
      await service.shutdown();
    }
  });
});

describe('shutdown with clients still sending', () => {
  it('answers requests in flight, then ends within the grace period although a client is still uploading', async () => {
    const { ner, service, base } = await listening({ shutdownGraceMs: 1000 });
    const uploading = await rawClient(base, EXTRACT_HEAD(100) + '{');
    const silent = await rawClient(base, ''); // connected, nothing sent
    const answered = fetch(`${base}/extract`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ texts: sentences.slice(0, 100) }),
    });
    try {
      await inFlight(base, 2);
      const started = performance.now();
      expect(await within(service.shutdown(), 6000)).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(1000 + 2000);
      expect((await answered).status).toBe(200);
      expect(await within(uploading.closed, 100)).not.toBe('timed out');
      expect(await within(silent.closed, 100)).not.toBe('timed out');
      expect(ner.disposed).toBe(true);
    } finally {
      uploading.socket.destroy();
      silent.socket.destroy();
    }
  });

  it('native-ner serve exits within its grace period on SIGTERM while a client is still uploading', async () => {
    const grace = 1000;
    let serve: ServeProcess | undefined;
    let uploading: Awaited<ReturnType<typeof rawClient>> | undefined;
    try {
      serve = await startServe(['--model', CONLL_MODEL, '--port', '0', '--shutdown-grace-ms', String(grace)]);
      const { child, url, exited } = serve;
      uploading = await rawClient(url, EXTRACT_HEAD(100) + '{');
      await inFlight(url, 1);
      const signalled = performance.now();
      child.kill('SIGTERM');
      expect(await within(exited, grace + 10_000)).toBe(0);
      expect(performance.now() - signalled).toBeLessThan(grace + 4000);
    } finally {
      uploading?.socket.destroy();
      if (serve?.child.exitCode === null) serve.child.kill('SIGKILL');
    }
  });
});

// These need the engine's maxWindows and timeoutMs (ERR_TOO_MANY_WINDOWS, ERR_TIMEOUT).
describe('work limits the engine enforces', () => {
  // Texts of about 500 tokens, one model window each: hundreds of them are within every default limit.
  const longTexts = (count: number) => Array.from({ length: count }, () => '. '.repeat(500));

  it('answers 413 at once to a small body asking for a window per token', async () => {
    const { service, base } = await listening({ maxStride: 509 });
    try {
      const started = performance.now();
      const answer = await fetch(`${base}/extract`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: '. '.repeat(2000), options: { stride: 509 } }),
      });
      expect(answer.status).toBe(413);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('ERR_TOO_MANY_WINDOWS');
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      await service.shutdown();
    }
  });

  it('answers 503 with Retry-After once a request has run for extractTimeoutMs', async () => {
    const { service, base } = await listening({ extractTimeoutMs: 500 });
    try {
      const started = performance.now();
      const answer = await fetch(`${base}/extract`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ texts: longTexts(500) }),
      });
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('1');
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('ERR_TIMEOUT');
      // The deadline drops the windows not yet run; the batch running then still finishes.
      expect(performance.now() - started).toBeLessThan(5000);
    } finally {
      await service.shutdown();
    }
  });

  it('answers a tiny request while a huge one runs, not after it', async () => {
    const { service, base } = await listening();
    try {
      const post = (body: unknown) =>
        fetch(`${base}/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      let hugeDone = false;
      const hugeStatus = post({ texts: longTexts(120) }).then(
        (answer) => {
          hugeDone = true;
          return answer.status;
        },
        (error: Error) => error.message,
      );
      await inFlight(base, 1);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the huge request's windows are queued by now
      const started = performance.now();
      const tiny = await post({ text: 'Angela Merkel visited Paris.' });
      expect(tiny.status).toBe(200);
      // Served between the huge request's batches, not queued behind all of them.
      expect(hugeDone).toBe(false);
      expect(performance.now() - started).toBeLessThan(3000);
      expect(await hugeStatus).toBe(200);
    } finally {
      await service.shutdown();
    }
  });
});
