// Empty states with a next step, and axe-core on every page (issue #17): in Chromium against a fresh engine
// and a libvirtd of this file's own (no lab, no job yet; then the daemon stopped: libvirt unreachable), and
// against the shared engine (VMs in every state); the Lessons page also with a lesson open. axe runs WCAG 2
// A/AA and 2.1 AA with the target-size rule, in English and Korean, and must find nothing; a failure lists
// each violation's rule and elements.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { startTestLibvirtd, type TestLibvirtd } from '../harness/libvirtd'
import { serveWithSettings } from '../harness/serve'
import { LabStore } from '../../src-main/engine/lab/store'
import { xdgEnv } from '../helpers'
import { readyLab } from './lab-record'

let daemon: TestLibvirtd
let dir: string
let server: { url: string; stop: () => Promise<void> }

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  daemon = await startTestLibvirtd('a11y')
  dir = mkdtempSync(join(tmpdir(), 'stacklab-a11y-'))
  server = await serveWithSettings(dir, { connectionUri: daemon.testUri, imagesDir: '' })
})
test.afterAll(async () => {
  await server?.stop()
  await daemon?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function go(page: Page, id: string) {
  await page.locator(`#nav-${id}`).click()
  await expect(page.locator(`#nav-${id}`)).toHaveAttribute('aria-current', 'page')
}

async function navIds(page: Page): Promise<string[]> {
  return page.locator('nav button[id^="nav-"]').evaluateAll((els) => els.map((e) => e.id.slice(4)))
}

/** axe on the page as it is now; the violations as "rule: element, element". */
async function axe(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .options({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] },
      rules: { 'target-size': { enabled: true } },
    })
    .analyze()
  return result.violations.map(
    (v) => `${v.id} (${v.impact ?? ''}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  )
}

/** axe on every page in both languages (and the topology with a VM's details open, where there is one). */
async function axeEverywhere(page: Page, what: string, details?: string) {
  const found: string[] = []
  for (const lang of ['en', 'ko'] as const) {
    await page.locator('#lang-select').selectOption(lang)
    await expect(page.locator('html')).toHaveAttribute('lang', lang)
    for (const id of await navIds(page)) {
      await go(page, id)
      if (id === 'topology' && !(await page.locator('#unreachable').count()))
        await expect(page.locator('#topology-graph')).toHaveAttribute('data-layout', 'done')
      await page.waitForLoadState('networkidle')
      for (const v of await axe(page)) found.push(`${what}, ${lang}, ${id}: ${v}`)
      // The Lessons page with a lab: a lesson open too (its tasks, and its console, open or failing).
      if (id === 'lessons' && (await page.locator('#lessons-list').count())) {
        await page.locator('#lessons-list button[id$="-open"]').first().click()
        await expect(page.locator('#lesson-title')).toBeVisible()
        await expect(page.locator('#lesson-progress')).toHaveAttribute('data-total', /[1-9]/)
        for (const v of await axe(page)) found.push(`${what}, ${lang}, ${id} lesson: ${v}`)
        await page.locator('#lessons-back').click()
      }
      if (id === 'topology' && details) {
        await page.locator(`#node-${details}`).click()
        await expect(page.locator('#details-panel')).toBeVisible()
        for (const v of await axe(page)) found.push(`${what}, ${lang}, ${id} details: ${v}`)
        await page.locator('#details-close').click()
      }
    }
  }
  await page.locator('#lang-select').selectOption('en')
  expect(found, found.join('\n')).toEqual([])
}

test('empty pages say what is missing and their next step works', async ({ page }) => {
  await page.goto(server.url)
  // Jobs: none yet; the way to start one.
  await go(page, 'jobs')
  await expect(page.locator('#jobs-empty')).toContainText('No jobs yet')
  await page.locator('#jobs-empty-new').click()
  await expect(page.locator('#nav-wizard')).toHaveAttribute('aria-current', 'page')
  await expect(page.locator('#wizard-heading')).toBeFocused()
  // Consoles: no lab; create one, or open any VM's console from the topology.
  await go(page, 'consoles')
  await expect(page.locator('#consoles-empty')).toBeVisible()
  await page.locator('#consoles-empty-topology').click()
  await expect(page.locator('#nav-topology')).toHaveAttribute('aria-current', 'page')
  await go(page, 'consoles')
  await page.locator('#consoles-empty-new').click()
  await expect(page.locator('#nav-wizard')).toHaveAttribute('aria-current', 'page')
  // Lessons: no lab to take one; create one.
  await go(page, 'lessons')
  await expect(page.locator('#lessons-no-labs')).toBeVisible()
  await expect(page.locator('#lessons-lab')).toHaveCount(0)
  await page.locator('#lessons-empty-new').click()
  await expect(page.locator('#nav-wizard')).toHaveAttribute('aria-current', 'page')
  // Install: no empty lab picker, but what to do.
  await go(page, 'install')
  await expect(page.locator('#install-empty')).toBeVisible()
  await expect(page.locator('#install-lab')).toHaveCount(0)
  await page.locator('#install-empty-new').click()
  await expect(page.locator('#nav-wizard')).toHaveAttribute('aria-current', 'page')
  // Checkpoints: no lab, so VMs are picked; until one is, the page says so and leads to the boxes.
  await go(page, 'checkpoints')
  await expect(page.locator('#checkpoints-pick-first')).toBeVisible()
  await expect(page.locator('#snapshots-test')).toHaveCount(0)
  await page.locator('#checkpoints-pick-first-go').click()
  await expect(page.locator('#checkpoints-domain-test')).toBeFocused()
  await page.keyboard.press('Space')
  await expect(page.locator('#snapshots-test')).toBeVisible()
  await expect(page.locator('#checkpoints-pick-first')).toHaveCount(0)
})

/** A built lab as the engine keeps it on disk (so Install and Consoles show their lab pickers). */
async function plantLab(name: string) {
  await new LabStore(join(xdgEnv(dir).XDG_DATA_HOME, 'stacklab')).save(
    readyLab(name, 'debian-12-stacklab', { release: 'test', install: { answersSaved: true, runs: [] } }),
  )
}

test('native selects look like the text fields on every page', async ({ page }) => {
  await plantLab('pickers')
  await page.goto(server.url)
  const looks = (sel: string) =>
    page.locator(sel).evaluate((el) => {
      const s = getComputedStyle(el)
      return [s.fontSize, s.fontFamily, s.borderTopColor, s.borderTopWidth, s.borderRadius, s.backgroundColor]
    })
  await go(page, 'wizard')
  const field = await looks('#wizard-name')
  for (const [id, select] of [
    ['wizard', '#wizard-preset'],
    ['checkpoints', '#checkpoints-scope'],
    ['install', '#install-lab'],
    ['consoles', '#console-lab'],
    ['consoles', '#console-kind'],
    ['lessons', '#lessons-lab'],
  ] as const) {
    await go(page, id)
    expect(await looks(select), select).toEqual(field)
  }
})

test('axe finds no violation on any page, in English and Korean, with libvirt reachable', async ({
  page,
}) => {
  test.setTimeout(240_000)
  // The shared engine: VMs and networks of every kind other tests left, a VM's details too.
  await page.goto(process.env['STACKLAB_URL']!)
  await axeEverywhere(page, 'shared engine', 'test')
  // This file's engine: a fresh host, no lab and no job (the empty states).
  await page.goto(server.url)
  await axeEverywhere(page, 'fresh engine')
})

test('axe finds no violation on any page with libvirt unreachable (last: stops the daemon)', async ({
  page,
}) => {
  test.setTimeout(240_000)
  await page.goto(server.url)
  await daemon.stopDaemon()
  await expect(page.locator('#unreachable')).toBeVisible({ timeout: 20_000 })
  await axeEverywhere(page, 'unreachable')
})
