// The architecture rules in eslint.config.js really fire: each planted violation, linted by ESLint's own
// Node API with the project's config at the path where it is forbidden, is reported with the rule's message,
// and the same code at a path where it is allowed lints clean. Type-aware rules are switched off here (they
// need a TypeScript program of the whole tree and take a minute); the rules under test read only syntax.
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { beforeAll, describe, expect, it, vi } from 'vitest'

const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: [tseslint.configs.disableTypeChecked],
  warnIgnored: true,
})

// ESLint loads the project's config and its parsers on the first lint: seconds on a busy machine, which
// must not count against the first test's time limit. Each test lints up to 22 planted files: a few
// seconds when the machine is busy (measured 4.9 s with two cores loaded 4-fold), more than the default 5.
vi.setConfig({ testTimeout: 30_000 })
beforeAll(async () => {
  await eslint.lintText('export {}\n', { filePath: 'src-shared/warm-up.ts' })
}, 60_000)

/** Every message ESLint gives for `code` as if it were the file at `filePath` (relative to the repository). */
async function lint(code: string, filePath: string): Promise<{ rule: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result!.messages.map((m) => ({ rule: m.ruleId, message: m.message }))
}

/** Forbidden at every path in `forbidden` (with a message matching `message`), clean at every path in `allowed`. */
async function expectRule(
  code: string,
  { forbidden, allowed, message }: { forbidden: string[]; allowed: string[]; message: RegExp },
): Promise<void> {
  for (const path of forbidden) {
    const messages = await lint(code, path)
    expect(messages.length, `${path}: ${JSON.stringify(messages)}`).toBeGreaterThan(0)
    // Where two bans cover one import (child_process is also a Node built-in), either may be the one named.
    for (const m of messages) expect(m.rule, path).toMatch(/^no-restricted-(imports|syntax|globals)$/)
    expect(
      messages.some((m) => message.test(m.message)),
      `${path}: ${JSON.stringify(messages)}`,
    ).toBe(true)
  }
  for (const path of allowed) expect(await lint(code, path), path).toEqual([])
}

describe('child_process only in the process runner', () => {
  const message = /only through the process runner, src-main\/engine\/exec\.ts/
  const forbidden = [
    'src-main/engine/lab/planted.ts',
    'src-main/engine/libvirt/planted.ts',
    'src-main/host/planted.ts',
    'src-main/server/planted.ts',
    'src-main/cli/planted.ts',
    'src-renderer/src/planted.ts',
    'src-shared/planted.ts',
  ]
  // The runner itself, and what checks or measures Stacklab from outside (see eslint.config.js for why).
  const allowed = [
    'src-main/engine/exec.ts',
    'test/unit/planted.test.ts',
    'test/harness/planted.ts',
    'bench/planted.ts',
    'bin/planted.js',
  ]

  it('refuses a static import, with or without node:', async () => {
    await expectRule("import { spawn } from 'node:child_process'\nexport const start = spawn\n", {
      forbidden,
      allowed,
      message,
    })
    await expectRule("import { spawn } from 'child_process'\nexport const start = spawn\n", {
      forbidden,
      allowed,
      message,
    })
  })

  it('refuses a type-only import and a re-export', async () => {
    await expectRule(
      "import type { ChildProcess } from 'node:child_process'\nexport type P = ChildProcess\n",
      {
        forbidden,
        allowed,
        message,
      },
    )
    await expectRule("export { spawnSync } from 'node:child_process'\n", { forbidden, allowed, message })
  })

  it('refuses a dynamic import and a require', async () => {
    await expectRule("export const cp = await import('node:child_process')\n", {
      forbidden,
      allowed,
      message,
    })
    await expectRule(
      "import { createRequire } from 'node:module'\nconst require = createRequire(import.meta.url)\nexport const cp: unknown = require('child_process')\n",
      {
        forbidden: forbidden.filter((p) => !p.startsWith('src-shared') && !p.startsWith('src-renderer')),
        allowed: allowed.filter((p) => p.endsWith('.ts')),
        message,
      },
    )
  })

  it('keeps exec and execSync (shell strings) banned even in the runner', async () => {
    for (const path of allowed)
      for (const mod of ['child_process', 'node:child_process']) {
        const messages = await lint(`import { exec } from '${mod}'\nexport const run = exec\n`, path)
        expect(
          messages.map((m) => m.rule),
          path,
        ).toEqual(['no-restricted-imports'])
        expect(messages[0]!.message, path).toMatch(/argument arrays/)
      }
  })
})

describe('electron only in the Electron host', () => {
  const message = /Only the Electron host \(src-main\/host\) may import electron/
  const forbidden = [
    'src-main/engine/planted.ts',
    'src-main/server/planted.ts',
    'src-main/cli/planted.ts',
    'src-renderer/src/pages/planted.tsx',
    'src-shared/planted.ts',
    'test/unit/planted.test.ts',
    'bench/planted.ts',
  ]
  const allowed = ['src-main/host/planted.ts', 'src-main/host/sub/planted.ts']

  it('refuses electron and its subpaths, statically and dynamically', async () => {
    await expectRule("import { app } from 'electron'\nexport const a = app\n", {
      forbidden,
      allowed,
      message,
    })
    await expectRule("import { ipcMain } from 'electron/main'\nexport const i = ipcMain\n", {
      forbidden,
      allowed,
      message,
    })
    await expectRule("export const e = await import('electron')\n", { forbidden, allowed, message })
  })

  it('leaves the build tools whose names start with electron alone', async () => {
    const code = "import { defineConfig } from 'electron-vite'\nexport const d = defineConfig\n"
    for (const path of forbidden.filter((p) => !p.startsWith('src-shared')))
      expect(await lint(code, path)).toEqual([])
  })
})

describe('the renderer never imports src-main', () => {
  const message = /only through the contract \(src-shared\/api\.ts\), never src-main/

  it('refuses an import of src-main from any depth, type-only and dynamic too', async () => {
    const forbidden = ['src-renderer/src/planted.ts', 'src-renderer/src/pages/planted.tsx']
    for (const code of [
      "import { run } from '../../src-main/engine/exec'\nexport const r = run\n",
      "import type { Engine } from '../../../src-main/engine/engine'\nexport type E = Engine\n",
      "export const e = await import('../../../src-main/engine/engine')\n",
    ])
      await expectRule(code, {
        forbidden,
        allowed: ['src-main/cli/planted.ts', 'test/unit/planted.test.ts'],
        message,
      })
  })

  it('lets the renderer import the contract', async () => {
    const code = "import type { LabApi } from '../../../src-shared/api'\nexport type A = LabApi\n"
    expect(await lint(code, 'src-renderer/src/pages/planted.tsx')).toEqual([])
  })

  it('refuses Node built-ins in the sandboxed renderer', async () => {
    await expectRule("import { readFileSync } from 'node:fs'\nexport const r = readFileSync\n", {
      forbidden: ['src-renderer/src/planted.ts'],
      allowed: ['src-main/engine/planted.ts'],
      message: /no Node built-ins/,
    })
  })
})

describe('src-shared is the contract: no Node, no DOM, nothing from the hosts', () => {
  const forbidden = ['src-shared/planted.ts', 'src-shared/deeper/planted.ts']

  it('refuses Node built-ins, bare and node:-prefixed, and their subpaths', async () => {
    for (const mod of [
      'node:fs',
      'fs',
      'path',
      'os',
      'crypto',
      'node:crypto',
      'fs/promises',
      'util',
      'events',
    ])
      await expectRule(`import * as m from '${mod}'\nexport const x = m\n`, {
        forbidden,
        allowed: ['src-main/engine/planted.ts'],
        message: /no Node built-ins/,
      })
  })

  it('refuses Node globals', async () => {
    await expectRule("export const home = process.env['HOME']\n", {
      forbidden,
      allowed: ['src-main/engine/planted.ts'],
      message: /no Node globals/,
    })
    await expectRule("export const b = Buffer.from('x')\n", {
      forbidden,
      allowed: ['src-main/engine/planted.ts'],
      message: /no Node globals/,
    })
  })

  it('refuses DOM-only modules and DOM globals', async () => {
    for (const mod of ['react', 'react-dom/client', 'zustand', '@xterm/xterm', '@xyflow/react', 'elkjs'])
      await expectRule(`import * as m from '${mod}'\nexport const x = m\n`, {
        forbidden,
        allowed: ['src-renderer/src/planted.ts'],
        message: /no DOM-only modules/,
      })
    await expectRule('export const title = document.title\n', {
      forbidden,
      allowed: ['src-renderer/src/planted.ts'],
      message: /no DOM globals/,
    })
  })

  it('refuses imports from src-main and src-renderer', async () => {
    await expectRule("import { run } from '../src-main/engine/exec'\nexport const r = run\n", {
      forbidden: ['src-shared/planted.ts'],
      allowed: ['test/planted.ts'],
      message: /src-shared is the contract: it imports nothing from src-main/,
    })
    await expectRule("import { useStore } from '../src-renderer/src/store'\nexport const s = useStore\n", {
      forbidden: ['src-shared/planted.ts'],
      allowed: ['test/planted.ts'],
      message: /src-shared is the contract: it imports nothing from the renderer/,
    })
  })

  it('lets src-shared import zod, yaml and its own modules', async () => {
    const code =
      "import { z } from 'zod'\nimport { parse } from 'yaml'\nimport { LabSchema } from './lab'\nexport const x = [z, parse, LabSchema]\n"
    expect(await lint(code, 'src-shared/planted.ts')).toEqual([])
  })
})

describe('the rules that were there before still fire', () => {
  it('bans shell: true and weakened Electron isolation everywhere', async () => {
    for (const [code, message] of [
      [
        "import { run } from './exec'\nexport const r = run('x', [], { shell: true })\n",
        /Never start a shell/,
      ],
      ['export const p = { contextIsolation: false }\n', /context isolation/],
      ['export const p = { sandbox: false }\n', /sandboxed/],
      ['export const p = { nodeIntegration: true }\n', /must not get Node/],
    ] as const) {
      for (const path of [
        'src-main/engine/planted.ts',
        'src-main/host/planted.ts',
        'src-shared/planted.ts',
      ]) {
        const messages = await lint(code, path)
        expect(
          messages.map((m) => m.rule),
          path,
        ).toEqual(['no-restricted-syntax'])
        expect(messages[0]!.message, path).toMatch(message)
      }
    }
  })

  it('bans super-linear regular expressions in the engine and the contract', async () => {
    const code = "export const r = /^(a+)+$/.test('x')\n"
    for (const path of ['src-main/engine/packstack/planted.ts', 'src-shared/planted.ts'])
      expect((await lint(code, path)).map((m) => m.rule)).toContain('regexp/no-super-linear-backtracking')
  })
})
