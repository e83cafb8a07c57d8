// The desktop app itself, through Playwright's Electron driver. Electron downloads its binary on first
// install from outside the package registries; where that binary is absent (as on CI machines without
// internet) these tests skip with a message. Everything they cover also runs in test/e2e via the browser host.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'

function electronBinary(): string | null {
  const dir = join('node_modules', 'electron')
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

const binary = electronBinary()

test.describe('Electron app', () => {
  // Skipped only where Electron's binary was not downloaded (it comes from outside the package registries).
  test.skip(
    !binary,
    'No Electron binary installed (node_modules/electron/dist is missing); the browser-host tests cover the same UI.',
  )

  test('opens a sandboxed window that exposes only window.stacklab', async () => {
    const app = await electron.launch({ executablePath: binary!, args: ['.'] })
    const page = await app.firstWindow()
    await expect(page.locator('#preflight-heading')).toBeVisible()
    const exposed = await page.evaluate(() => ({
      stacklab: typeof (window as unknown as { stacklab?: unknown }).stacklab,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }))
    expect(exposed).toEqual({ stacklab: 'object', require: 'undefined', process: 'undefined' })
    expect(
      await page.evaluate(() => Object.keys((window as unknown as { stacklab: object }).stacklab).sort()),
    ).toEqual(['call', 'on'])
    // Navigation away from the app is refused.
    await page.evaluate(() => (location.href = 'https://example.com/'))
    await expect(page.locator('#preflight-heading')).toBeVisible()
    await expect(page.locator('#preflight-summary')).toBeVisible({ timeout: 30_000 })
    await app.close()
  })

  test('serves the page from app://, refuses traversal, permissions and WebSockets, and quits cleanly', async () => {
    const app = await electron.launch({ executablePath: binary!, args: ['.'] })
    const page = await app.firstWindow()
    await expect(page.locator('#preflight-heading')).toBeVisible()
    expect(page.url()).toBe('app://app/index.html')
    const probe = await page.evaluate(async () => {
      const status = (path: string) => fetch(path).then((r) => r.status)
      const violation = new Promise<string>((resolve) =>
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective)),
      )
      try {
        new WebSocket('ws://127.0.0.1:9/')
      } catch {
        // refused by the CSP either by throwing or by the violation event
      }
      return {
        traversal: await status('/..%2f..%2fpackage.json'),
        clipboardRead: (await navigator.permissions.query({ name: 'clipboard-read' as PermissionName }))
          .state,
        websocket: await violation,
      }
    })
    expect(probe).toEqual({ traversal: 404, clipboardRead: 'denied', websocket: 'connect-src' })
    // Quitting waits for the engine to close, and then really quits.
    const exited = new Promise((resolve) => app.process().once('exit', resolve))
    await app.evaluate(({ app }) => app.quit())
    await exited
  })
})
