// ESLint flat config: typescript-eslint's type-aware rules over every package, example and script.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', 'docs/api/**', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // jest's asymmetric matchers (expect.stringContaining, expect.objectContaining) are typed `any`.
    files: ['**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // Async generators stand in for streamed sources without awaiting anything.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Layering (STYLE.md §10): @dynamodel/local imports nothing of ours.
    files: ['packages/local/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@dynamodel/*'], message: 'local imports nothing of ours' }] },
      ],
    },
  },
  {
    // The executor imports only the AWS SDK.
    files: ['packages/executor/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@dynamodel/*'], message: 'executor imports only the AWS SDK' }] },
      ],
    },
  },
  {
    // The cache imports nothing of ours: core sees only its interface.
    files: ['packages/cache/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@dynamodel/*'], message: 'cache imports nothing of ours' }] },
      ],
    },
  },
  {
    // Core imports the executor and the cache's types; @dynamodel/local only where `endpoint: 'local'`
    // is resolved (lazily).
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/connection/local-endpoint.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@dynamodel/*', '!@dynamodel/executor', '!@dynamodel/cache'],
              message: 'core imports only @dynamodel/executor (and the Cache interface of @dynamodel/cache)',
            },
          ],
        },
      ],
    },
  },
);
