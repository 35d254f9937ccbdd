import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { NativeNer } from '../lib';
import { chooseOrtLibrary, getBinding } from '../lib/native';
import { CONLL_MODEL } from './helpers';

// CI machines have no GPU and no CUDA provider libraries, so these tests pin what happens then. On a machine set up
// for CUDA (NATIVE_NER_EXPECT_CUDA=1) they check the CUDA session instead.
const expectCuda = process.env.NATIVE_NER_EXPECT_CUDA === '1';

describe('device selection', () => {
  it.skipIf(expectCuda)("fails device 'cuda' with ERR_RUNTIME_UNAVAILABLE saying what is missing", async () => {
    const error = await NativeNer.load(CONLL_MODEL, { device: 'cuda' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NerError', code: 'ERR_RUNTIME_UNAVAILABLE' });
    expect((error as Error).message).toMatch(/device 'cuda' is not available: .+ It needs an NVIDIA GPU/);
    expect((error as Error).message).toMatch(/setup-cuda|com\.github\.asus4/);
  });

  it.skipIf(expectCuda)("falls back to the CPU with device 'auto' and says why", async () => {
    const ner = await NativeNer.load(CONLL_MODEL, { device: 'auto' });
    try {
      expect(ner.info.device).toBe('cpu');
      expect(ner.info.deviceNote).toMatch(/^CUDA not used: /);
      expect((await ner.extract(['Paris is nice.']))[0][0]?.text).toBe('Paris');
    } finally {
      await ner.dispose();
    }
  });

  it.runIf(expectCuda)("runs on the GPU with device 'cuda' and gives the CPU's entities", async () => {
    const gpu = await NativeNer.load(CONLL_MODEL, { device: 'cuda' });
    const cpu = await NativeNer.load(CONLL_MODEL);
    try {
      expect(gpu.info.device).toBe('cuda');
      const texts = ['John Smith works at Google in New York.', 'Angela Merkel visited Paris.'];
      const spans = (r: { label: string; start: number; end: number }[][]) => r.map((es) => es.map((e) => `${e.label}@${e.start}-${e.end}`));
      expect(spans(await gpu.extract(texts))).toEqual(spans(await cpu.extract(texts)));
    } finally {
      await gpu.dispose();
      await cpu.dispose();
    }
  });

  it('reports the CPU by default and rejects unknown devices', async () => {
    const ner = new NativeNer(CONLL_MODEL);
    expect(ner.info.device).toBe('cpu');
    expect(ner.info.deviceNote).toBeUndefined();
    await ner.dispose();
    await expect(NativeNer.load(CONLL_MODEL, { device: 'tpu' } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });
});

describe('ONNX Runtime library choice', () => {
  const onnxruntimeNode = createRequire(__filename)('onnxruntime-node/package.json') as { version: string };

  // With NATIVE_NER_EXPECT_CUDA=1 the CUDA tests above load the CUDA path's library first, which every model then runs on.
  it.skipIf(expectCuda)('runs CPU models on onnxruntime-node, the newest ONNX Runtime from npm, and says which in info', async () => {
    expect(chooseOrtLibrary('cpu')).toMatchObject({ ortLibraryPath: expect.stringMatching(/onnxruntime-node\/bin\//), ortLibraryPreferred: true });
    expect(chooseOrtLibrary('cpu', '/opt/ort/libonnxruntime.so.1')).toEqual({
      ortLibraryPath: '/opt/ort/libonnxruntime.so.1',
      ortLibraryPreferred: false,
    });
    const ner = await NativeNer.load(CONLL_MODEL);
    expect(ner.info.ortVersion).toBe(onnxruntimeNode.version);
    expect(ner.info.ortLibraryPath).toBe(chooseOrtLibrary('cpu').ortLibraryPath);
    await ner.dispose();
  });

  it.skipIf(expectCuda)('gives a preferred library way to the one already loaded (one per process), and says so when CUDA is then missing', async () => {
    const cpu = await NativeNer.load(CONLL_MODEL);
    // As when the CUDA path prefers the CUDA package's library after a CPU model loaded onnxruntime-node's.
    const params = { directory: CONLL_MODEL, ortLibraryPath: '/elsewhere/libonnxruntime.so', ortLibraryPreferred: true };
    const { NativeModel } = getBinding();
    const auto = new NativeModel({ ...params, device: 'auto' });
    try {
      const info = auto.info();
      expect(info.ortLibraryPath).toBe(cpu.info.ortLibraryPath);
      expect(info.device).toBe('cpu');
      expect(info.deviceNote).toMatch(/loaded for an earlier model: a process holds one ONNX Runtime, so the library chosen for this device \('\/elsewhere\/libonnxruntime\.so'\) was not loaded/);
    } finally {
      auto.dispose();
    }
    expect(() => new NativeModel({ ...params, ortLibraryPreferred: false })).toThrow(/already loaded in this process/);
    await cpu.dispose();
  });
});
