// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * ESLint's and typescript-eslint's recommended rules, plus the type-aware promise rules: a
 * promise nobody awaits or catches loses its error, and an async function passed where a void
 * callback is expected (an event listener, `setTimeout`) is never awaited. Formatting is not
 * ESLint's business: Prettier formats (`npm run format`, checked by `npm run lint`).
 */
export default tseslint.config(
  // The web chat's browser scripts are plain JavaScript served as is; bin/ only loads dist/.
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'src/adapters/web/public/', 'test/fixtures/', 'bin/', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A `let` assigned once but read first in a callback (a timer cleared on close) stays a `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `_name` marks a parameter or a field kept on purpose (a port's signature, a field left out of a copy).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      // Tests and tools read arbitrary JSON from the servers they drive and assert on its fields.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
