// @ts-check
// `npm run lint`. Formatting is Prettier's job (`npm run format:check`); no rule here is about layout.
// Import direction between folders is dependency-cruiser's job (`npm run deps`, .dependency-cruiser.cjs).
import js from '@eslint/js';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // ESLint does not read .gitignore: these are its run outputs, plus data that is not code.
    ignores: ['**/node_modules/**', 'dist/**', 'out/**', 'out*/**', 'bundle/**', 'repro-bundle/**', '.evochat/**', 'tmp/**', 'fixtures/**', 'schemas/**'],
  },
  {
    // A disable comment that no longer suppresses anything is an error, so stale ones cannot pile up.
    linterOptions: { reportUnusedDisableDirectives: 'error', reportUnusedInlineConfigs: 'error' },
  },
  js.configs.recommended,
  comments.recommended,
  {
    rules: {
      // A disable comment names its rule (no-unlimited-disable, from the preset) and says why after `--`.
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],
      '@eslint-community/eslint-comments/no-unused-disable': 'off', // reportUnusedDisableDirectives does this natively
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // Type-aware rules read the same program `tsc --noEmit` checks (tsconfig.json).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The rules that pay off for an async harness (floating promises, misused promises, awaiting non-thenables,
      // throwing non-Errors, `any` leaking through unsafe calls/assignments/returns) come with recommendedTypeChecked.
      // Added on top:
      // a `return promise` inside try/catch/finally skips the catch and runs the finally too early
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      // a new version, backend or status must make every switch over that union say what it does with it
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false }],
      // type-only imports stay visibly type-only (tsconfig has verbatimModuleSyntax: these are erased, nothing else is)
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      // `import { type A }` would leave a side-effect `import 'x'` behind under verbatimModuleSyntax
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'all', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Tests read parsed JSON answers (the twins' and the products' bodies) and assert on them with `expect`, which is
    // the check: typing every body a test inspects would add casts, not safety. Product code keeps these rules;
    // `any` written out (no-explicit-any) stays an error in tests too.
    files: ['**/*.test.ts', '**/test-support/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The few plain JS files (bin/, src/common/bundle-cache.mjs, docker/twin/launcher.cjs, the tool configs) are outside
    // tsconfig: no type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      // Node's own globals; for .cjs ESLint adds require/module itself.
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', performance: 'readonly' },
    },
  },
);
