// The Consoles page in a real browser: a lab whose node is a real OpenSSH server (a genuine lab state in the
// served engine's data directory), an SSH shell opened from the page, a command typed into xterm.js and its
// answer found with the terminal's search, through the browser host's WebSocket and flow control.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { startConsoleLab, type ConsoleLab } from '../harness/console-lab'
import { xdgEnv } from '../helpers'
import { consoleShows } from './console-search'
import { engineCall } from './engine'

let lab: ConsoleLab

test.beforeAll(async () => {
  const data = join(xdgEnv(process.env['STACKLAB_TEST_XDG']!).XDG_DATA_HOME, 'stacklab')
  mkdirSync(data, { recursive: true })
  lab = await startConsoleLab(data, 'webcon')
})
test.afterAll(async () => {
  // Close the sessions this test opened, then its lab: the tests after it see the engine as it was.
  for (const s of await engineCall('consoles.list', {})) await engineCall('console.close', { id: s.id })
  await lab?.stop()
})

test('opens an SSH console of a node, types a command and sees the answer', async ({ page }) => {
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  await page.goto(process.env['STACKLAB_URL']!)
  await page.locator('#nav-consoles').click()
  await page.locator('#console-lab').selectOption('webcon')
  await page.locator('#console-node').selectOption('controller')
  await page.locator('#console-kind').selectOption('ssh')
  await page.locator('#console-open').click()
  const tab = page.locator('#console-tab-controller-ssh')
  await expect(tab).toHaveAttribute('aria-selected', 'true')
  const term = page.locator('#console-term-controller-ssh')
  await expect(term).toHaveAttribute('data-console-id', /[0-9a-f-]{36}/)
  await expect(term.locator('.xterm-screen')).toBeVisible()
  // What the terminal holds is found with its search box.
  const found = (text: string, count: number) => consoleShows(page, text, { count })
  // The very first output (sshd's message of the day, sent before the shell starts) is not lost.
  const motd = existsSync('/etc/motd')
    ? readFileSync('/etc/motd', 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.length > 10)
        .pop()
    : undefined
  if (motd) await found(motd, 1)
  await found('root@', 1) // the first prompt
  await term.click()
  await page.keyboard.type('echo e2e_$((6*7)); stty size\n')
  // The answer (the typed line itself has no "e2e_42").
  await found('e2e_42', 1)
  await page.screenshot({ path: 'test-results/screenshots/consoles.png' })
  // Leaving the page and coming back keeps the session and its screen.
  await page.locator('#nav-settings').click()
  await page.locator('#nav-consoles').click()
  await expect(page.locator('#console-tab-controller-ssh')).toBeVisible()
  await page.locator('#console-search').fill('e2e_42')
  await page.locator('#console-search').press('Enter')
  await expect(page.locator('#console-search-count')).toHaveAttribute('data-count', '1')
  expect(errors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([])
})
