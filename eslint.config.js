import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Node built-ins that would make workflow code non-deterministic or unbundleable.
const nodeModules = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http', 'http2',
  'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls', 'url', 'util', 'worker_threads', 'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.build/', '.data/', '.scratch/', 'test/artifacts/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Workflows replay from history: no Node APIs, no activity implementations, no clients.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeModules, ...nodeModules.map((m) => `node:${m}`)].map((name) => ({ name, message: 'Workflow code must stay deterministic: do this in an activity.' })),
        patterns: [
          { group: ['../activities/*', '../server/*', '../worker/*', '../db/*', '../sandbox/*'], allowTypeImports: true, message: 'Workflows import activity types only.' },
          { group: ['@temporalio/activity', '@temporalio/worker', '@temporalio/client', '@slack/*', '@kubernetes/*', 'postgres', 'pino'], message: 'Not available inside a workflow.' },
        ],
      }],
      'no-console': 'error',
    },
  },
  {
    // The sandbox's local servers belong to `npm start` and the tests: app code must not know they exist.
    files: ['core/**/*.ts', 'server/**/*.ts', 'activities/**/*.ts', 'worker/**/*.ts', 'db/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/sandbox/*', '**/sandbox'], message: 'Only scripts/ and test/ may use the sandbox.' }] }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
