// What a user would otherwise write: a plain node:http server that answers POST /extract {"text": ...} with
// transformers.js's token-classification pipeline (fp32, default options) as JSON. Started by serve-load.mjs as
// `node serve-load-tjs-server.mjs <model root> <model name>`; listens on 127.0.0.1 on a free port, prints
// "transformers.js: serving on http://127.0.0.1:PORT" on stderr, and exits on SIGTERM.
import { createServer } from 'node:http';

const [modelRoot, modelName] = process.argv.slice(2);
if (!modelRoot || !modelName) {
  process.stderr.write('usage: serve-load-tjs-server.mjs <model root> <model name>\n');
  process.exit(2);
}

const { env, pipeline } = await import('@huggingface/transformers');
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = modelRoot;
const pipe = await pipeline('token-classification', modelName, { dtype: 'fp32', device: 'cpu' });
const classify = /** @type {(text: string) => Promise<unknown>} */ (/** @type {unknown} */ (pipe));

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
function answer(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/extract') return answer(res, 404, { error: 'not found' });
  /** @type {Buffer[]} */
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    try {
      const { text } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (typeof text !== 'string') return answer(res, 400, { error: 'expected {"text": string}' });
      answer(res, 200, { entities: await classify(text) });
    } catch (error) {
      answer(res, 500, { error: error instanceof Error ? error.message : String(error) });
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stderr.write(`transformers.js: serving on http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
