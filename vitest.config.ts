import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CI logs name every suite, so the output shows which adapters the contract ran against.
    reporters: process.env.CI ? ['verbose'] : ['default'],
  },
});
