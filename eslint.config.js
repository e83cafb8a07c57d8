// Lint: typescript-eslint's type-aware rules, React hooks rules for the renderer, and the project's own
// bans (no shell strings, no weakened Electron isolation). Zero warnings allowed.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import regexp from 'eslint-plugin-regexp'

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js', '.ci/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'child_process',
              importNames: ['exec', 'execSync'],
              message: 'Start processes with argument arrays (engine/exec.ts).',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "Property[key.name='shell'][value.value=true]",
          message: 'Never start a shell: pass an argument array.',
        },
        {
          selector: "Property[key.name='nodeIntegration'][value.value=true]",
          message: 'The renderer must not get Node.',
        },
        {
          selector: "Property[key.name='contextIsolation'][value.value=false]",
          message: 'Keep context isolation on.',
        },
        {
          selector: "Property[key.name='sandbox'][value.value=false]",
          message: 'Keep the renderer sandboxed.',
        },
      ],
    },
  },
  {
    // The engine reads text guests and tools print: no pattern may take more than linear time on a line
    // (issue #11; test/security/packstack-redos.test.ts attacks the parsers at run time).
    files: ['src-main/**/*.ts', 'src-shared/**/*.ts'],
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': ['error', { report: 'potential', ignoreSticky: false }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'electron', 'fs', 'path', 'child_process', 'os'],
              message: 'src-shared is the contract: no Node or Electron imports.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
)
