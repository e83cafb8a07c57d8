// Security (issue #11, item 7): a guest cannot read the host's clipboard. In Chromium against the browser host,
// a shell on a node (a real OpenSSH server, through the engine) prints an OSC 52 read request while the
// page's clipboard holds a secret and the page may read it: what comes back on the session's input is only
// the cursor report the shell asked for next, never the clipboard. An OSC 52 write from the guest still lands
// in the clipboard.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startConsoleLab, type ConsoleLab } from '../harness/console-lab'
import { xdgEnv } from '../helpers'
import { consoleShows } from '../e2e/console-search'
import { engineCall, url } from '../e2e/engine'

const SECRET = 'host-clipboard-secret-4711'
const COPIED = 'copied from the guest: ok'
const b64 = (s: string) => Buffer.from(s).toString('base64')

let lab: ConsoleLab

test.beforeAll(async () => {
  const data = join(xdgEnv(process.env['STACKLAB_TEST_XDG']!).XDG_DATA_HOME, 'stacklab')
  mkdirSync(data, { recursive: true })
  lab = await startConsoleLab(data, 'clipsec')
})
test.afterAll(async () => {
  for (const s of await engineCall('consoles.list', {})) await engineCall('console.close', { id: s.id })
  await lab?.stop()
})

/** The page's clipboard (typed here so the file needs no DOM types: it is checked with the Node tests too). */
type WithClipboard = {
  navigator: { clipboard: { readText(): Promise<string>; writeText(s: string): Promise<void> } }
}
const clipboard = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as WithClipboard).navigator.clipboard.readText())

test('a guest reads nothing of the clipboard over OSC 52, and may still write it', async ({
  page,
  context,
}) => {
  // The shell below reads its answer up to the first "R" (the end of the cursor report): the secret's
  // base64, were it sent, must come through whole.
  expect(b64(SECRET)).not.toContain('R')
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url()).origin })
  await page.goto(url())
  // The host's clipboard holds something private, and this page is allowed to read it.
  await page.evaluate(
    (s) => (globalThis as unknown as WithClipboard).navigator.clipboard.writeText(s),
    SECRET,
  )
  expect(await clipboard(page)).toBe(SECRET)

  await page.locator('#nav-consoles').click()
  await page.locator('#console-lab').selectOption('clipsec')
  await page.locator('#console-node').selectOption('controller')
  await page.locator('#console-kind').selectOption('ssh')
  await page.locator('#console-open').click()
  const term = page.locator('#console-term-controller-ssh')
  await expect(term.locator('.xterm-screen')).toBeVisible()
  await consoleShows(page, 'root@', { count: 1 })
  await term.click()

  // The guest asks for the clipboard, then for the cursor position, and keeps every byte that comes back
  // until the cursor report ends; the node's SSH side writes them to a file (the sshd runs on this machine).
  const received = join(lab.sshd.dir, 'received')
  await page.keyboard.type(
    `stty raw -echo; printf '\\033]52;c;?\\007\\033[6n'; IFS= read -r -d R reply; stty sane; ` +
      `printf %s "$reply" | base64 -w0 > ${received}.part && mv ${received}.part ${received}\n`,
  )
  await expect.poll(() => existsSync(received), { timeout: 20_000 }).toBe(true)
  const reply = Buffer.from(readFileSync(received, 'utf8'), 'base64').toString('latin1')
  expect(reply).not.toContain(b64(SECRET))
  expect(reply).not.toContain('52;')
  // Only the cursor report ("ESC [ row ; col", its "R" ended the read): the reply channel was really read.
  expect(reply.slice(0, 2)).toBe('\x1b[')
  expect(reply.slice(2)).toMatch(/^\d+;\d+$/)

  // Copy from the guest: an OSC 52 write sets the host's clipboard.
  await page.keyboard.type(`printf '\\033]52;c;%s\\007' ${b64(COPIED)}\n`)
  await expect.poll(() => clipboard(page), { timeout: 20_000 }).toBe(COPIED)
})
