// Lint: ESLint's recommended rules and typescript-eslint's type-aware ones, run
// by `npm test` with zero warnings allowed. The few rules turned off or tuned
// below say why; everything else is as recommended.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'test-artifacts/**', 'examples/output/**', 'docs/api/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      // `items[i]!` is written on purpose: the code stays correct under noUncheckedIndexedAccess.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Hooks, handlers and test bodies are async to keep one contract (they may await later; callers always await).
      '@typescript-eslint/require-await': 'off',
      // TypeScript checks identifiers itself, with the real types of every global.
      'no-undef': 'off',
      // Rejection and throw reasons pass through what a caller's code raised, which may be any value.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Our own `any` is refused (no-explicit-any stays on). The `any` that is left reaches us from
      // library types: XState's Any* actor refs and snapshots, its internal state nodes that the
      // model checker walks, Arrow's DataType<any>. The code narrows those by shape where it reads them.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // String(value) is the intended rendering of values whose type is open (payloads, snapshot
      // fields, parameters a JavaScript caller passed) in messages and labels.
      '@typescript-eslint/no-base-to-string': 'off',
      // An async listener passed as an argument (addEventListener, process.on) is the platform's idiom.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      // `cond ? a() : b()` as a statement is a deliberate two-way call.
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true }],
    },
  },
  {
    // The plugins package's own tsconfig resolves the core through its published types (dist), which a
    // fresh clone has not built; lint it with the root project, which maps the core to its sources.
    files: ['packages/plugins/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: ['./tsconfig.json'], tsconfigRootDir: import.meta.dirname } },
  },
  {
    // The checker unwinds with its own signals (a transition that cannot be replayed, a value
    // that cannot be encoded), caught a few frames up; they are not errors a caller sees.
    files: ['src/check/transitionReplay.ts', 'src/check/abstraction.ts'],
    rules: { '@typescript-eslint/only-throw-error': 'off' },
  },
  {
    // The checker's composed models keep machine states as numeric codes in plain arrays.
    files: ['src/check/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-enum-comparison': 'off' },
  },
  {
    // The conformance suite runs the specification's examples verbatim, unused names and `any` included.
    files: ['tests/conformance/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-vars': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Tests hand methods to expect() on purpose.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // The visualizer page is plain browser JavaScript with no type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.browser } },
  },
  {
    files: ['eslint.config.js'],
    languageOptions: { globals: { ...globals.node } },
  },
);
