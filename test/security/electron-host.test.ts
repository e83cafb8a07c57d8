// Security (issue #11, item 10): the Electron host's checkable parts, without an Electron binary: app://
// serves only files of the renderer (path traversal in every spelling refused), the desktop CSP allows no
// WebSocket, the page gets no permission but clipboard writes, quitting closes the engine exactly once, and
// main.ts is wired to all of it. The fuses: test/unit/packaging.test.ts; where Electron runs: test/electron.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, sep } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  APP_INDEX_URL,
  APP_SCHEME_PRIVILEGES,
  contentType,
  resolveAppPath,
} from '../../src-main/host/app-scheme'
import { desktopCsp, permissionAllowed } from '../../src-main/host/policy'
import { closeBeforeQuit } from '../../src-main/host/quit'
import { tempDir } from '../helpers'

describe('app:// paths', () => {
  let t: ReturnType<typeof tempDir>
  let root: string
  beforeAll(() => {
    // The renderer's files, and a secret beside them that no app:// URL may reach.
    t = tempDir()
    root = join(t.dir, 'app', 'renderer')
    mkdirSync(join(root, 'assets'), { recursive: true })
    writeFileSync(join(root, 'index.html'), '<html>')
    writeFileSync(join(root, 'assets', 'index.js'), '//')
    writeFileSync(join(t.dir, 'app', 'secret'), 'secret')
  })
  afterAll(() => t.cleanup())

  it('names the files of the renderer', () => {
    expect(resolveAppPath(root, APP_INDEX_URL)).toBe(join(root, 'index.html'))
    expect(resolveAppPath(root, 'app://app/')).toBe(join(root, 'index.html'))
    expect(resolveAppPath(root, 'app://app/assets/index.js?v=1#x')).toBe(join(root, 'assets', 'index.js'))
    expect(resolveAppPath(root, 'app://app/assets/a%20b.js')).toBe(join(root, 'assets', 'a b.js'))
  })

  const attacks = [
    'app://app/../../etc/passwd',
    'app://app/../secret',
    'app://app/assets/../../secret',
    'app://app/..%2fsecret',
    'app://app/..%2F..%2F..%2Fetc%2Fpasswd',
    'app://app/%2e%2e/secret',
    'app://app/%2e%2e%2fsecret',
    'app://app/%252e%252e/secret',
    'app://app/.%2e/.%2e/secret',
    'app://app/..%5csecret',
    'app://app/..\\secret',
    'app://app//etc/passwd',
    'app://app/%2Fetc%2Fpasswd',
    'app://app/index.html%00.js',
    'app://app/%E0%A4%A',
    'app://evil/index.html',
    'app://app.evil/index.html',
    'file:///etc/passwd',
    'http://app/index.html',
    'not a url',
  ]

  it.each(attacks)('never leaves the renderer for %s', (url) => {
    const file = resolveAppPath(root, url)
    if (file !== null) {
      expect(file.startsWith(root + sep)).toBe(true)
      expect(file).not.toBe(join(t.dir, 'app', 'secret'))
    }
  })

  it('refuses outright what is malformed or not ours', () => {
    for (const url of [
      'app://app/..%2fsecret',
      'app://app/..%5csecret',
      'app://app/index.html%00.js',
      'app://app/%E0%A4%A',
      'app://evil/index.html',
      'file:///etc/passwd',
      'not a url',
    ])
      expect(resolveAppPath(root, url), url).toBeNull()
  })

  it('serves with the right content types from a standard, secure scheme without CORS or CSP bypass', () => {
    expect(contentType('/x/index.html')).toBe('text/html; charset=utf-8')
    expect(contentType('/x/a.JS')).toBe('text/javascript; charset=utf-8')
    expect(contentType('/x/a.bin')).toBe('application/octet-stream')
    expect(APP_SCHEME_PRIVILEGES).toEqual({ standard: true, secure: true, supportFetchAPI: true })
  })
})

describe('desktop CSP', () => {
  const directives = (csp: string) =>
    Object.fromEntries(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values]),
    )

  it('allows no WebSocket and no wildcard (the desktop talks to the engine over IPC)', () => {
    const csp = desktopCsp()
    expect(csp).not.toMatch(/wss?:/)
    expect(csp).not.toContain('*')
    expect(directives(csp)).toMatchObject({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      'frame-ancestors': ["'none'"],
    })
  })

  it("the page's own meta CSP (both hosts) has no ws: wildcard either", () => {
    const html = readFileSync('src-renderer/index.html', 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta).toBeDefined()
    expect(meta).not.toMatch(/wss?:/)
    expect(meta).not.toContain('*')
    expect(directives(meta!)['connect-src']).toEqual(["'self'"])
  })
})

describe('permissions', () => {
  it('gives the app only clipboard writes and notifications', () => {
    expect(permissionAllowed('clipboard-sanitized-write', 'app://app/')).toBe(true)
    expect(permissionAllowed('clipboard-sanitized-write', APP_INDEX_URL)).toBe(true)
    expect(permissionAllowed('notifications', 'app://app/')).toBe(true)
    expect(permissionAllowed('notifications', 'https://evil.example/')).toBe(false)
    for (const p of ['clipboard-read', 'media', 'geolocation', 'openExternal', 'fullscreen', 'notification'])
      expect(permissionAllowed(p, 'app://app/'), p).toBe(false)
  })

  it('gives nothing to another origin, or to a request without one', () => {
    expect(permissionAllowed('clipboard-sanitized-write', 'https://evil.example/')).toBe(false)
    expect(permissionAllowed('clipboard-sanitized-write', 'file:///x/index.html')).toBe(false)
    expect(permissionAllowed('clipboard-sanitized-write', undefined)).toBe(false)
    expect(permissionAllowed('clipboard-sanitized-write', '')).toBe(false)
    expect(permissionAllowed('clipboard-sanitized-write', 'http://localhost:5173/')).toBe(false)
    // The dev server's origin only in development, when it is the page.
    expect(
      permissionAllowed('clipboard-sanitized-write', 'http://localhost:5173/', 'http://localhost:5173'),
    ).toBe(true)
  })
})

describe('quitting', () => {
  afterEach(() => vi.useRealTimers())

  const event = () => ({ preventDefault: vi.fn() })

  it('holds the first quit until the engine closed, closes it once, then lets the quit through', async () => {
    let finish!: () => void
    const close = vi.fn(() => new Promise<void>((r) => (finish = r)))
    const quit = vi.fn()
    const onQuit = closeBeforeQuit(close, quit)
    const first = event()
    onQuit(first)
    const again = event()
    onQuit(again) // a second Cmd-Q while closing
    expect(first.preventDefault).toHaveBeenCalled()
    expect(again.preventDefault).toHaveBeenCalled()
    expect(close).toHaveBeenCalledTimes(1)
    expect(quit).not.toHaveBeenCalled()
    finish()
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1))
    const last = event()
    onQuit(last) // the quit() above comes back through before-quit
    expect(last.preventDefault).not.toHaveBeenCalled()
    expect(close).toHaveBeenCalledTimes(1)
  })

  it('quits even when closing fails or hangs', async () => {
    const errors: unknown[] = []
    const quit = vi.fn()
    closeBeforeQuit(() => Promise.reject(new Error('virsh gone')), quit, {
      onError: (e) => errors.push(e),
    })(event())
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1))
    expect(String(errors[0])).toContain('virsh gone')

    vi.useFakeTimers()
    const stuck = vi.fn()
    closeBeforeQuit(() => new Promise<void>(() => {}), stuck, { timeoutMs: 5000 })(event())
    await vi.advanceTimersByTimeAsync(4999)
    expect(stuck).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(stuck).toHaveBeenCalledTimes(1)
  })
})

describe('main.ts wiring', () => {
  const main = readFileSync('src-main/host/main.ts', 'utf8')

  it('loads the page from app://, with the handlers above, and closes the engine on quit', () => {
    expect(main).toMatch(
      /protocol\.registerSchemesAsPrivileged\(\[\{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES/,
    )
    expect(main).toMatch(/protocol\.handle\(APP_SCHEME, serveApp\)/)
    expect(main).toMatch(/loadURL\(devUrl \?\? APP_INDEX_URL\)/)
    expect(main).not.toMatch(/loadFile\(|pathToFileURL|'file:/)
    expect(main).toMatch(/setPermissionCheckHandler\([\s\S]{0,80}=> permissionAllowed\(permission/)
    expect(main).toMatch(/setPermissionRequestHandler\([\s\S]{0,80}callback\(permissionAllowed\(permission/)
    expect(main).toMatch(/'Content-Security-Policy': \[desktopCsp\(\)\]/)
    expect(main).toMatch(/app\.on\(\s*'before-quit',\s*closeBeforeQuit\(\s*\(\) => engine\.close\(\)/)
  })
})
