// Set-up that survives npm's install-script policy: exactly the install scripts Stacklab needs are approved
// (Electron's binary download, esbuild's platform binary), every other one is reviewed and denied, and
// `npm start` on a machine without Electron's binary says so in plain words and points to the browser host.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  scripts: Record<string, string>
  allowScripts: Record<string, boolean>
}

describe('install scripts', () => {
  it('approves Electron and esbuild only', () => {
    const approved = Object.entries(pkg.allowScripts)
      .filter(([, ok]) => ok)
      .map(([name]) => name)
      .sort()
    expect(approved).toEqual(['electron', 'esbuild'])
  })

  // npm reads the whole tree: about 5 s on a busy 2-core machine, more than the default 5 s test limit.
  it('leaves no installed package with an install script unreviewed', { timeout: 60_000 }, () => {
    const out = execFileSync('npm', ['install-scripts', 'ls'], { encoding: 'utf8' })
    expect(out).toContain('No packages with unreviewed install scripts')
  })
})

const electronPresent = existsSync('node_modules/electron/path.txt')

describe('npm start', () => {
  it.skipIf(electronPresent)(
    'without an Electron binary explains itself and points to npm run serve (skipped where Electron is installed)',
    () => {
      const env = { ...process.env }
      delete env['ELECTRON_OVERRIDE_DIST_PATH']
      const r = spawnSync(process.execPath, ['bin/start.js'], { encoding: 'utf8', env })
      expect(pkg.scripts['start']).toBe('node bin/start.js')
      expect(r.status).toBe(1)
      expect(r.stderr).toContain('Electron binary is not installed')
      expect(r.stderr).toContain('npm run serve')
      expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
    },
  )
})
