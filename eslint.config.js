import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Package boundaries. Packages are the libraries the services and apps are built from, so no
// package imports a service; the CLI and the benchmarks are apps (apps/), which may.
const servicesImports = [
  {
    regex: '^@seedsweep/(api|worker|aggregator)(/|$)',
    message: 'Packages never import services; move what both need into a package.',
  },
  {
    regex: '^(\\.\\./)+services(/|$)',
    message: 'Packages never import services; move what both need into a package.',
  },
];
// The low-level packages (the data, the trainer, the sweep spec, the statistics, the PRNG) know
// nothing of Redis: not the store, not the queue, nor the clients they are built on.
const redisImports = [
  {
    regex: '^@seedsweep/(store|queue)(/|$)',
    message: 'The low-level packages never import the store or the queue.',
  },
  {
    regex: '^(ioredis|bullmq)(/|$)',
    message: 'The low-level packages never import the store or the queue.',
  },
];
const sourceFiles = '*.{ts,tsx,mts,cts,js,mjs,cjs}';
const lowLevelPackages = 'packages/{crater-data,trainer,sweep-spec,stats,prng}';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Use a seeded stream from @seedsweep/prng.',
        },
      ],
    },
  },
  {
    // Libraries only: services/ and apps/ (the CLI) read their environment.
    files: ['packages/**/src/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Use a seeded stream from @seedsweep/prng.',
        },
        {
          object: 'process',
          property: 'env',
          message: 'Packages take options; services and the CLI read the environment.',
        },
      ],
    },
  },
  {
    files: [`packages/**/${sourceFiles}`],
    rules: { 'no-restricted-imports': ['error', { patterns: servicesImports }] },
  },
  {
    // Replaces the rule's options above for these files, so it repeats the services' patterns.
    files: [`${lowLevelPackages}/**/${sourceFiles}`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...servicesImports, ...redisImports] }],
    },
  },
);
