import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { NativeNer, readConll, scoreDataset, Tokenizer } = require('../dist/index.js');
const ds = readConll('/work/shared/datasets/conll2003/eng.testb');
const texts = ds.sentences.map((s) => s.text);
for (const file of ['model.onnx', 'model_int8.onnx']) {
  const ner = await NativeNer.load('/work/shared/models/conll03-bert-small', { modelFile: file });
  let tokens = 0, maxT = 0; for (const t of texts) { const n = ner.tokenize(t).ids.length; tokens += n; maxT = Math.max(maxT, n); }
  await ner.extract(texts.slice(0, 64));
  for (const opts of [{}, { decoding: 'argmax' }]) {
    const t0 = performance.now();
    const out = await ner.extract(texts, opts);
    const s = (performance.now() - t0) / 1000;
    console.log(file, JSON.stringify(opts), s.toFixed(2), 's', (texts.length / s).toFixed(0), 'sent/s', (tokens / s).toFixed(0), 'tok/s', scoreDataset(ds, out).overall.f1.toFixed(4), 'tokens', tokens, maxT);
  }
  let t0 = performance.now();
  for (let i = 0; i < 300; i++) await ner.extract(texts[i * 11]);
  console.log('seq 300', ((performance.now() - t0) / 300).toFixed(2), 'ms/call');
  t0 = performance.now();
  for (let i = 0; i < texts.length; i += 64) await Promise.all(texts.slice(i, i + 64).map((t) => ner.extract(t)));
  console.log('conc64', (texts.length / ((performance.now() - t0) / 1000)).toFixed(0), 'sent/s');
  await ner.dispose();
}
const tok = Tokenizer.fromFile('/work/shared/models/conll03-bert-small/tokenizer.json');
let n = 0; const t0 = performance.now(); let reps = 0;
while (performance.now() - t0 < 1000) { n += tok.countTokens(texts); reps++; }
console.log('tokenizer', (n / ((performance.now() - t0) / 1000) / 1e6).toFixed(2), 'M tok/s', reps);
console.log(process.resourceUsage().maxRSS / 1024, 'MB');
