// The Install page's status in two real browser windows on one engine: a genuine lab state in the served
// engine's data directory (its node a real OpenSSH server, its VM not defined), the status checked from one
// window, and the other window showing the same report without asking, because the engine sends every
// status it makes as a `lab.status` event and both pages read the one status store.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startConsoleLab, type ConsoleLab } from '../harness/console-lab'
import { xdgEnv } from '../helpers'

let lab: ConsoleLab

test.beforeAll(async () => {
  const data = join(xdgEnv(process.env['STACKLAB_TEST_XDG']!).XDG_DATA_HOME, 'stacklab')
  mkdirSync(data, { recursive: true })
  lab = await startConsoleLab(data, 'webinst')
})
test.afterAll(async () => {
  await lab?.stop()
})

async function openInstall(page: Page) {
  await page.goto(process.env['STACKLAB_URL']!)
  await page.locator('#nav-install').click()
  // The lab list comes from the main store's labs.
  await expect(page.locator('#install-lab option[value="webinst"]')).toHaveCount(1)
  await page.locator('#install-lab').selectOption('webinst')
}

test('a status checked in one window shows in the other, which did not ask', async ({ browser }) => {
  const one = await browser.newPage()
  const other = await browser.newPage()
  try {
    await openInstall(one)
    await openInstall(other)
    await expect(other.locator('#status-node-controller')).toHaveCount(0)

    await one.locator('#status-refresh').click()
    // The VM is not defined: the node is down, and the problem says why.
    for (const page of [one, other]) {
      await expect(page.locator('#status-node-controller-health')).toHaveAttribute('data-health', 'down')
      await expect(page.locator('#status-problems')).toContainText('controller: the VM is missing')
    }
    // Only the window that asked showed the check in progress; the other's button stayed as it was.
    await expect(other.locator('#status-refresh')).toBeEnabled()
    await expect(one.locator('#status-refresh')).toBeEnabled()
  } finally {
    await one.close()
    await other.close()
  }
})
