import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Borders between apps and libraries, for production code (tests have their own, looser ones). */
const borders = [
  { group: ['@app/*/*'], message: 'Import a library through its index: @app/<lib>.' },
  {
    group: ['**/libs/*/src/*', '../../libs/**', '../../../libs/**'],
    message: 'Use the @app/<lib> alias.',
  },
  { group: ['**/apps/*/src/**'], message: 'An app or library never imports another app.' },
  { group: ['@app/testing'], message: '@app/testing is for tests, benchmarks and simulators only.' },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-*/**',
      'coverage/**',
      '.data/**',
      'node_modules/**',
      'libs/db/src/generated/**',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/unbound-method': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: borders,
          paths: [
            {
              name: '@nestjs/swagger',
              allowTypeImports: true,
              message:
                'Use @app/openapi: its decorators do not load @nestjs/swagger at boot (about 10 MB and a third of a second).',
            },
          ],
        },
      ],
    },
  },
  {
    // The one place that loads @nestjs/swagger (lazily, on the first request for the docs).
    files: ['libs/openapi/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: borders,
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts', 'bench/**/*.ts', 'simulators/**/*.ts'],
    rules: {
      // Tests and benchmarks may reach the test harnesses beside a library (not exported: they use
      // dev-only packages) and the app they exercise.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@app/*/*'], message: 'Import a library through its index: @app/<lib>.' }] },
      ],
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
      },
    },
  },
);
