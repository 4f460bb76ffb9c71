import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * typescript-eslint with type information (each file checked with the tsconfig.json nearest to it:
 * the root one, web/'s). `npm run lint` runs it with knip (unused files, exports, dependencies) and
 * `prettier --check .`; test/importCycles.test.ts forbids import cycles.
 */
export default defineConfig(
  { ignores: ['dist/', 'web/dist/', '.data/', '.deploy/', 'coverage/', 'shared/db/generated/', 'bench/results/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A closure may read a variable that is assigned once, after the closure is made.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `any` is where JSON enters (the tests' response bodies, parsed fixtures), each read checked by an
      // assertion or a zod schema; following it member by member finds no defect.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Objects with methods here are closures made by factory functions, which never use `this`.
      '@typescript-eslint/unbound-method': 'off',
      // An async function without `await` still meets a Promise-returning interface and turns throws into rejections.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Plain JavaScript (the devhost's fixture apps, the offline schema engine, a deployment script): no types to check.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
