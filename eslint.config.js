// @ts-check
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Modules the pure domain may never import: other layers, I/O and frameworks. */
const FORBIDDEN_IN_DOMAIN = [
  { group: ['**/application/**', '**/infrastructure/**', '**/projections/**'], message: 'src/domain is pure: it imports nothing from outer layers.' },
  { group: ['node:*'], message: 'src/domain performs no I/O: pass time, ids and data in.' },
  { group: ['fastify', 'fastify/*', '@fastify/*', 'kysely', 'kysely/*', 'pg', 'pg-*', '@electric-sql/*', 'nats', '@nats-io/*', 'pino', 'pino-*', '@kurrent/*'], message: 'src/domain knows no framework, database or broker.' },
];
const NODE_BUILTINS = ['fs', 'fs/promises', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'timers', 'timers/promises', 'worker_threads', 'process'];

export default defineConfig(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.data/**', 'bench/results/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/consistent-type-definitions': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: FORBIDDEN_IN_DOMAIN, paths: NODE_BUILTINS.map((name) => ({ name, message: 'src/domain performs no I/O.' })) }],
      'no-restricted-globals': ['error', { name: 'Date', message: 'Pass time in; the domain reads no clock.' }, { name: 'process', message: 'The domain reads no environment.' }, { name: 'fetch', message: 'The domain performs no I/O.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Pass randomness in; deciders are deterministic.' }, { object: 'crypto', property: 'randomUUID', message: 'Pass ids in.' }],
    },
  },
  {
    files: ['src/application/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/infrastructure/**', '**/projections/**'], message: 'The application layer owns ports; adapters depend on it, not the other way.' },
        { group: ['fastify', '@fastify/*', 'kysely', 'pg', '@electric-sql/*', '@nats-io/*', '@kurrent/*'], message: 'The application layer talks to the outside only through ports.' },
      ] }],
    },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'off',
    },
  },
);
