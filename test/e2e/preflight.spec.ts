// The preflight page in a real browser against the real engine: what it shows must be what the engine
// reports, live, and re-running after a real change on the host must show the change.
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { CHECK_ORDER, type PreflightReport } from '../../src-shared/preflight'
import { xdgEnv } from '../helpers'

const url = () => process.env['STACKLAB_URL']!
const uri = () => process.env['STACKLAB_TEST_URI']!
const virsh = (...args: string[]) => execFileSync('virsh', ['-c', uri(), ...args], { encoding: 'utf8' })

/** What the engine reports, asked through the CLI with the same settings as the server. */
function engineReport(): PreflightReport {
  const out = execFileSync('node', ['bin/stacklab.js', 'preflight', '--json'], {
    env: { ...process.env, ...xdgEnv(process.env['STACKLAB_TEST_XDG']!) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString()
  return JSON.parse(out) as PreflightReport
}

function engineReportAllowingFailure(): PreflightReport {
  try {
    return engineReport()
  } catch (error) {
    return JSON.parse((error as { stdout: string }).stdout) as PreflightReport
  }
}

test('shows every check as the engine reports it, and saves a screenshot', async ({ page }) => {
  await page.goto(url())
  await expect(page.locator('#preflight-summary')).toBeVisible()
  await expect(page.locator('#preflight-uri')).toHaveText(uri())
  const report = engineReportAllowingFailure()
  expect(report.checks).toHaveLength(CHECK_ORDER.length)
  for (const check of report.checks) {
    await expect(page.locator(`#check-${check.id}-status`), check.id).toHaveAttribute(
      'data-status',
      check.status,
    )
    await expect(page.locator(`#check-${check.id}-summary`)).toHaveText(check.summary)
  }
  await expect(page.locator('#preflight-count-ok')).toHaveText(String(report.counts.ok))
  await expect(page.locator('#preflight-count-fail')).toHaveText(String(report.counts.fail))
  await expect(page.locator('#preflight-virt')).toHaveAttribute('data-virt', report.virtType)
  mkdirSync('test-results/screenshots', { recursive: true })
  await page.screenshot({ path: 'test-results/screenshots/preflight.png', fullPage: true })
})

test('re-run shows a real change on the host, with the fix to copy', async ({ page }) => {
  await page.goto(url())
  await expect(page.locator('#preflight-summary')).toBeVisible()
  await expect(page.locator('#check-default-network-status')).toHaveAttribute('data-status', 'ok')
  virsh('net-destroy', 'default')
  try {
    await page.locator('#preflight-rerun').click()
    await expect(page.locator('#check-default-network-status')).toHaveAttribute('data-status', 'warn')
    await expect(page.locator('#check-default-network-fix')).toContainText('net-start default')
    await expect(page.locator('#preflight-rerun')).toBeEnabled()
  } finally {
    virsh('net-start', 'default')
  }
  // Keyboard only: focus the button and press Enter.
  await page.locator('#preflight-rerun').focus()
  await page.keyboard.press('Enter')
  await expect(page.locator('#check-default-network-status')).toHaveAttribute('data-status', 'ok')
})

test('checks appear live while the run is going', async ({ page }) => {
  await page.goto(url())
  await expect(page.locator('#preflight-summary')).toBeVisible()
  const statuses: string[] = []
  await page.exposeFunction('recordStatus', (s: string) => statuses.push(s))
  await page.evaluate(() => {
    const el = document.querySelector('#check-libvirt-connection-status')!
    new MutationObserver(() =>
      (window as unknown as { recordStatus(s: string): void }).recordStatus(
        el.getAttribute('data-status') ?? '',
      ),
    ).observe(el, {
      attributes: true,
    })
  })
  await page.locator('#preflight-rerun').click()
  await expect(page.locator('#preflight-rerun')).toHaveText('Re-run checks')
  expect(statuses).toContain('running')
  expect(statuses.at(-1)).toBe('ok')
})

test('settings are validated as you type with the engine schema, and saved', async ({ page }) => {
  await page.goto(url())
  await page.locator('#nav-settings').click()
  const uriField = page.locator('#settings-uri')
  await expect(uriField).toHaveValue(uri())
  await uriField.fill('qemu:///system; reboot')
  await expect(page.locator('#settings-uri-help')).toContainText('connection URI must look like')
  await expect(page.locator('#settings-save')).toBeDisabled()
  await uriField.fill(uri())
  await page.locator('#settings-images-dir').fill('relative/dir')
  await expect(page.locator('#settings-images-dir-help')).toContainText('absolute path')
  await page.locator('#settings-images-dir').fill('/srv/stacklab-images')
  await page.locator('#settings-save').click()
  await expect(page.locator('#settings-status')).toHaveText('Saved')
  await page.reload()
  await page.locator('#nav-settings').click()
  await expect(page.locator('#settings-images-dir')).toHaveValue('/srv/stacklab-images')
  await page.locator('#settings-images-dir').fill('')
  await page.locator('#settings-save').click()
  await expect(page.locator('#settings-status')).toHaveText('Saved')
})

test('the app is refused without the token', async ({ page }) => {
  const bare = url().split('?')[0]!
  const response = await page.goto(bare)
  expect(response?.status()).toBe(401)
  await expect(page.locator('body')).toContainText('needs the token')
})
