import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Parity suites run thousands of texts through a real model on a 2-core machine.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file at a time: each loads ONNX Runtime sessions that use every core.
    fileParallelism: false,
  },
});
