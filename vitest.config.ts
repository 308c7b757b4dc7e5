import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CI logs name every suite, so the output shows which adapters the contract ran against.
    reporters: process.env.CI ? ['verbose'] : ['default'],
    coverage: {
      provider: 'v8',
      // The domain is where every rule lives; `npm test` fails when its coverage drops.
      include: ['src/domain/**/*.ts'],
      reporter: ['text-summary'],
      thresholds: { branches: 95, lines: 95, functions: 95, statements: 95 },
    },
  },
});
