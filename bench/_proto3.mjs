import { createRequire } from 'node:module';
import { env, pipeline } from '@huggingface/transformers';
const require = createRequire(import.meta.url);
const { readConll } = require('../dist/index.js');
env.allowRemoteModels = false;
env.localModelPath = '/tmp/hfproto';
const ds = readConll('/work/shared/datasets/conll2003/eng.testb');
const texts = ds.sentences.map((s) => s.text);
const sub = texts.filter((_, i) => i % 4 === 0);
const sorted = [...sub].sort((a, b) => a.length - b.length);
const p = await pipeline('token-classification', 'conll03-bert-small', { dtype: process.argv[2], device: 'cpu' });
await p(texts.slice(0, 16));
for (const order of ['input', 'sorted']) for (const bs of [8, 32, 64]) {
  const list = order === 'input' ? sub : sorted;
  const t0 = performance.now();
  for (let i = 0; i < list.length; i += bs) await p(list.slice(i, i + bs));
  const s = (performance.now() - t0) / 1000;
  console.log(order, bs, (list.length / s).toFixed(0), 'sent/s');
}
let t0 = performance.now();
for (let i = 0; i < 100; i++) await p(texts[i * 30]);
console.log('single', ((performance.now() - t0) / 100).toFixed(2), 'ms');
console.log(process.resourceUsage().maxRSS / 1024, 'MB');
