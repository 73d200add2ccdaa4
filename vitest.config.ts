import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/loopback-only.ts'],
    // Hang guards, not timings: a test that spawns several `sanad` processes took 15 s alone and
    // over 30 s at load 12 (four builds and a full suite on two cores); timings live in the benches.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
