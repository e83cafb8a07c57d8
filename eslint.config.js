// Lint: typescript-eslint's type-aware rules, React hooks rules for the renderer, and the project's own
// bans (no shell strings, no weakened Electron isolation) and architecture rules (who may import what: see
// `boundaries` below; test/unit/lint-rules.test.ts plants a violation of each). Zero warnings allowed.
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import regexp from 'eslint-plugin-regexp'

// The architecture rules. Each is a module (matched by a regexp on the import's source string) and the
// message that says where it belongs. A rule applies everywhere except in the files that `boundaries` below
// exempts from it.
const CHILD_PROCESS = {
  source: '^(node:)?child_process$',
  message:
    'Start processes only through the process runner, src-main/engine/exec.ts (argument arrays, one place).',
}
const ELECTRON = {
  source: '^electron(/.*)?$',
  message:
    'Only the Electron host (src-main/host) may import electron: the engine and the UI run without it.',
}
const SRC_MAIN = {
  source: '(^|/)src-main(/|$)',
  message: 'The renderer talks to the engine only through the contract (src-shared/api.ts), never src-main.',
}
const SRC_RENDERER = {
  source: '(^|/)src-renderer(/|$)',
  message: 'src-shared is the contract: it imports nothing from the renderer.',
}
const NODE_BUILTIN_SOURCE = `^(node:.*|(${builtinModules.filter((m) => !m.startsWith('_')).join('|')})(/.*)?)$`
const NODE_BUILTIN = {
  source: NODE_BUILTIN_SOURCE,
  message: 'src-shared runs in the renderer too: no Node built-ins.',
}
const RENDERER_NODE_BUILTIN = {
  source: NODE_BUILTIN_SOURCE,
  message: 'The renderer is sandboxed (and also runs in a plain browser): no Node built-ins.',
}
const SHARED_SRC_MAIN = {
  ...SRC_MAIN,
  message: 'src-shared is the contract: it imports nothing from src-main.',
}
// The renderer's own libraries: they need a DOM (or the renderer's state), so the contract never imports them.
const DOM_ONLY = {
  source: '^(react|react-dom|zustand|elkjs|@xterm/.*|@xyflow/.*)(/.*)?$',
  message: 'src-shared runs in the engine too: no DOM-only modules.',
}

// The project's syntax bans, everywhere. no-restricted-syntax takes one list per file, so every block below
// that adds to it starts from this one.
const SYNTAX_BANS = [
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
]

// esquery reads a regexp up to its first '/', so slashes in a source pattern are written as \u002F.
const esqueryRegexp = (source) => `/${source.replaceAll('/', '\\u002F')}/`

/**
 * The two rules that enforce a set of module bans: no-restricted-imports for `import`/`export ... from`,
 * and no-restricted-syntax for `import('x')` and `require('x')` with a literal name (which the first does not
 * see). `exec` and `execSync` (shell strings) stay banned even where child_process is allowed.
 */
function bans(...banned) {
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: [
          {
            name: 'child_process',
            importNames: ['exec', 'execSync'],
            message: 'Start processes with argument arrays (engine/exec.ts).',
          },
          {
            name: 'node:child_process',
            importNames: ['exec', 'execSync'],
            message: 'Start processes with argument arrays (engine/exec.ts).',
          },
        ],
        patterns: banned.map((b) => ({ regex: b.source, message: b.message })),
      },
    ],
    'no-restricted-syntax': [
      'error',
      ...SYNTAX_BANS,
      ...banned.flatMap((b) => [
        { selector: `ImportExpression[source.value=${esqueryRegexp(b.source)}]`, message: b.message },
        {
          selector: `CallExpression[callee.name='require'][arguments.0.value=${esqueryRegexp(b.source)}]`,
          message: b.message,
        },
      ]),
    ],
  }
}

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
      ...bans(CHILD_PROCESS, ELECTRON),
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
  // Who may import what. Each block lists every ban that applies to its files (a later block replaces an
  // earlier one's list for the same rule, so none may leave one out).
  {
    // The process runner, and the code that checks or measures Stacklab from outside rather than being
    // Stacklab: tests and the test harness start real daemons (libvirtd, sshd, the browser host) and ask the
    // host what really happened; benchmarks time the manual way (plain ssh, virsh polling) against the
    // engine; bin/start.js launches electron-vite before any TypeScript is built. None of them ships in the
    // engine, and routing them through the runner under test would make it its own witness.
    files: ['src-main/engine/exec.ts', 'test/**/*.ts', 'bench/**/*.ts', 'bin/*.js'],
    rules: bans(ELECTRON),
  },
  {
    files: ['src-main/host/**/*.ts'],
    rules: bans(CHILD_PROCESS),
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: bans(CHILD_PROCESS, ELECTRON, SRC_MAIN, RENDERER_NODE_BUILTIN),
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      ...bans(CHILD_PROCESS, ELECTRON, NODE_BUILTIN, DOM_ONLY, SHARED_SRC_MAIN, SRC_RENDERER),
      // The same for what arrives without an import: Node's globals and the DOM's.
      'no-restricted-globals': [
        'error',
        ...[
          'process',
          'Buffer',
          'require',
          'module',
          '__dirname',
          '__filename',
          'global',
          'setImmediate',
        ].map((name) => ({ name, message: 'src-shared runs in the renderer too: no Node globals.' })),
        ...['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'location'].map((name) => ({
          name,
          message: 'src-shared runs in the engine too: no DOM globals.',
        })),
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
)
