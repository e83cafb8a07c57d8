#!/usr/bin/env node
// `npm start`: the desktop app. Electron's binary comes from its package's install script; where that script
// did not run (npm's script policy, ELECTRON_SKIP_BINARY_DOWNLOAD, no access to Electron's downloads), say
// so in plain words and point to the browser host instead of Electron's own stack trace.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

/** The Electron executable the `electron` package would start, or null when it was never downloaded. */
function electronBinary() {
  let pkg
  try {
    pkg = dirname(require.resolve('electron/package.json'))
  } catch {
    return null
  }
  const pathFile = join(pkg, 'path.txt')
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (!existsSync(pathFile)) return null
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

if (!electronBinary()) {
  process.stderr.write(
    [
      'Stacklab: the Electron binary is not installed, so the desktop app cannot start here.',
      'It is downloaded by the `electron` package when npm runs its install script; that did not happen',
      '(ELECTRON_SKIP_BINARY_DOWNLOAD was set, npm skipped the script, or the download was blocked).',
      '',
      '  Use the same app in a browser:   npm run serve   (then open the URL it prints)',
      '  Or get Electron and try again:   npm rebuild electron && npm start',
      '',
    ].join('\n'),
  )
  process.exit(1)
}

const vite = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js')
const child = spawn(process.execPath, [vite, 'preview', ...process.argv.slice(2)], { stdio: 'inherit' })
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
