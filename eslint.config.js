import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// The layer rule of docs/CONTEXT.md, enforced: app → ui → store → {worker/pool, audit, export} → core.
const restrict = (patterns) => ['error', { patterns, paths: [] }];
const group = (group, message) => ({ group, message, allowTypeImports: false });

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'dist-cli',
      'test-results',
      'playwright-report',
      '.bench',
      'test/fixtures/pydicom',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict([
        group(
          ['react', 'react-*', 'zustand', 'zustand/*', 'idb', 'cornerstone-*'],
          'core is pure: no UI, store or storage libraries',
        ),
        group(
          ['node:*', 'fs', 'path', 'worker_threads', 'crypto', 'zlib'],
          'core runs in the browser too: no Node built-ins',
        ),
        group(
          [
            '**/ui/**',
            '**/store/**',
            '**/worker/**',
            '**/audit/**',
            '**/export/**',
            '**/app/**',
            '**/cli/**',
          ],
          'core imports nothing outside core',
        ),
      ]),
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/dicom/parse*.ts', 'src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict([
        group(['dicom-parser'], 'only src/core/dicom/parse*.ts may import dicom-parser'),
        group(
          ['react', 'react-*', 'zustand', 'zustand/*', 'idb', 'cornerstone-*'],
          'core is pure: no UI, store or storage libraries',
        ),
        group(
          ['node:*', 'fs', 'path', 'worker_threads', 'crypto', 'zlib'],
          'core runs in the browser too: no Node built-ins',
        ),
        group(
          [
            '**/ui/**',
            '**/store/**',
            '**/worker/**',
            '**/audit/**',
            '**/export/**',
            '**/app/**',
            '**/cli/**',
          ],
          'core imports nothing outside core',
        ),
      ]),
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': restrict([
        group(
          [
            '**/worker/**',
            '**/audit/**',
            '!**/core/audit/**',
            '**/export/**',
            'idb',
            'dicom-parser',
          ],
          'ui goes through the store: it never touches the pool, the audit trail or export directly',
        ),
      ]),
    },
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        group(
          [
            '**/ui/**',
            '**/store/**',
            '**/audit/**',
            '!**/core/audit/**',
            '**/app/**',
            'react',
            'zustand',
          ],
          'worker is transport only',
        ),
      ]),
    },
  },
  {
    // The service worker runs on its own, beside the app and before it: it imports nothing of it.
    files: ['src/sw/**/*.ts'],
    languageOptions: { globals: { ...globals.serviceworker } },
    rules: {
      'no-restricted-imports': restrict([
        group(
          [
            '**/core/**',
            '**/ui/**',
            '**/store/**',
            '**/worker/**',
            '**/audit/**',
            '**/export/**',
            '**/app/**',
            '**/cli/**',
            'react',
            'zustand',
            'idb',
          ],
          'the service worker is self-contained: it imports only from src/sw',
        ),
      ]),
    },
  },
  {
    // Build-time code (Node): it compiles src/sw by path and never imports the app.
    files: ['build-plugins/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        group(['**/src/**'], 'build plugins read app sources as files, never import them'),
      ]),
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        group(
          ['**/ui/**', '**/store/**', '**/worker/**', '**/audit/**', 'react'],
          'cli runs over core only',
        ),
      ]),
    },
  },
);
