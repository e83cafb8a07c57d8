// The preflight page in a real browser against the real engine: what it shows must be what the engine
// reports, live, and re-running after a real change on the host must show the change.
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import WebSocket from 'ws'
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

/** The report the page's own engine holds, asked over the same API socket the page uses. */
async function serverReport(): Promise<PreflightReport> {
  const api = url().replace('http://', 'ws://').replace('/?token=', '/api?token=')
  const ws = new WebSocket(api)
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const reply = new Promise<PreflightReport>((resolve) =>
    ws.once('message', (d) =>
      resolve((JSON.parse((d as Buffer).toString()) as { value: PreflightReport }).value),
    ),
  )
  ws.send(JSON.stringify({ type: 'call', id: 1, method: 'preflight.last', input: {} }))
  const report = await reply
  ws.close()
  return report
}

test('shows every check as the engine reports it, and saves a screenshot', async ({ page }) => {
  await page.goto(url())
  await page.locator('#nav-preflight').click()
  await expect(page.locator('#preflight-summary')).toBeVisible()
  await expect(page.locator('#preflight-uri')).toHaveAttribute('data-uri', uri())
  // Exactly what the page's engine reported: every status, summary, piece of evidence and fix.
  const report = await serverReport()
  expect(report.checks).toHaveLength(CHECK_ORDER.length)
  for (const check of report.checks) {
    await expect(page.locator(`#check-${check.id}-status`), check.id).toHaveAttribute(
      'data-status',
      check.status,
    )
    await expect(page.locator(`#check-${check.id}-summary`)).toHaveText(check.summary)
    await expect(page.locator(`#check-${check.id} .evidence li`)).toHaveText(check.evidence)
    if (check.fix) await expect(page.locator(`#check-${check.id}-fix`)).toHaveText(check.fix)
  }
  // And a separate run of the engine (the CLI, same settings) finds the same statuses.
  const independent = engineReportAllowingFailure()
  expect(independent.checks.map((c) => [c.id, c.status])).toEqual(report.checks.map((c) => [c.id, c.status]))
  await expect(page.locator('#preflight-count-ok')).toHaveText(String(report.counts.ok))
  await expect(page.locator('#preflight-count-fail')).toHaveText(String(report.counts.fail))
  await expect(page.locator('#preflight-virt')).toHaveAttribute('data-virt', report.virtType)
  mkdirSync('test-results/screenshots', { recursive: true })
  await page.screenshot({ path: 'test-results/screenshots/preflight.png', fullPage: true })
})

test('re-run shows a real change on the host, with the fix to copy', async ({ page }) => {
  await page.goto(url())
  await page.locator('#nav-preflight').click()
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
  await page.locator('#nav-preflight').click()
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
  await page.locator('#settings-template-source').fill('mirror')
  await expect(page.locator('#settings-template-source-help')).toContainText('absolute path')
  await page.locator('#settings-template-source').fill('/srv/classroom-mirror')
  await page.locator('#settings-template-unsigned').check()
  await page.locator('#settings-save').click()
  // Another template source and an unsigned mirror lower trust: saved only once the user accepts both.
  await expect(page.locator('#settings-risk-template-source')).toBeVisible()
  await expect(page.locator('#settings-risk-unsigned-templates')).toBeVisible()
  await page.locator('#settings-risks-yes').click()
  await expect(page.locator('#settings-status')).toHaveText('Saved')
  await page.reload()
  await page.locator('#nav-settings').click()
  await expect(page.locator('#settings-images-dir')).toHaveValue('/srv/stacklab-images')
  await expect(page.locator('#settings-template-source')).toHaveValue('/srv/classroom-mirror')
  await expect(page.locator('#settings-template-unsigned')).toBeChecked()
  await page.locator('#settings-template-source').fill('')
  await page.locator('#settings-template-unsigned').uncheck()
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
