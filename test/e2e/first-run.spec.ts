// First run and lost connection (issue #17), in Chromium against the real engine and a real libvirtd of this
// file's own (the other browser tests share the global one; this file stops and starts its daemon): libvirt
// unreachable at start and stopped mid-session, on every page, in English and Korean; counts unknown, Create
// lab disabled with the reason, Preflight leading with the blocker, its dependent checks skipped, re-run by
// itself when the connection changes, the nav badge, Settings' "Test connection", and the first-run path
// Preflight → fix → New lab, with screenshots of it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startTestLibvirtd, type TestLibvirtd } from '../harness/libvirtd'
import { serveWithSettings } from '../harness/serve'
import { AREAS } from '../../src-renderer/src/i18n'
import { LabStore } from '../../src-main/engine/lab/store'
import type { Job } from '../../src-shared/jobs'
import { xdgEnv } from '../helpers'
import { readyLab } from './lab-record'

let daemon: TestLibvirtd
let dir: string
let server: { url: string; stop: () => Promise<void> }
const SHOTS = 'test-results/screenshots'
/** A socket in libvirt's own folder (so the browser may name it) where nothing listens. */
const deadUri = () => `test+unix:///default?socket=/run/libvirt/stacklab-e2e-${process.pid}-nothing.sock`

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  // A fresh host whose libvirtd is not running yet: the daemon is started, then stopped before Stacklab starts.
  daemon = await startTestLibvirtd('firstrun')
  await daemon.stopDaemon()
  dir = mkdtempSync(join(tmpdir(), 'stacklab-firstrun-'))
  server = await serveWithSettings(dir, { connectionUri: daemon.testUri, imagesDir: '' })
})
test.afterAll(async () => {
  await server?.stop()
  await daemon?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const LAB = 'offline'

/** A built lab with OpenStack installed, and a failed job of it, as the engine keeps them on disk. */
async function plantLab(): Promise<Job> {
  const data = join(xdgEnv(dir).XDG_DATA_HOME, 'stacklab')
  const at = new Date().toISOString()
  await new LabStore(data).save(
    readyLab(LAB, 'debian-12-stacklab', {
      release: 'test',
      createdAt: at,
      install: { answersSaved: true, runs: [] },
    }),
  )
  const job: Job = {
    id: 'first-run-failed',
    kind: 'lab.create',
    title: `Create lab ${LAB}`,
    lab: LAB,
    state: 'failed',
    steps: [{ id: 'disks', title: 'Node disks', state: 'failed', detail: '', startedAt: at, finishedAt: at }],
    progress: 0.5,
    startedAt: at,
    finishedAt: at,
    error: { message: 'boom' },
    pid: null,
    log: [],
  }
  mkdirSync(join(data, 'jobs'), { recursive: true })
  writeFileSync(join(data, 'jobs', `${job.id}.json`), JSON.stringify(job))
  return job
}

/** Pages that need libvirt, and so show the unreachable state (Preflight leads with its blocker instead). */
const PAGES = ['topology', 'wizard', 'jobs', 'consoles', 'checkpoints', 'install', 'networks', 'settings']

async function go(page: Page, id: string) {
  await page.locator(`#nav-${id}`).click()
  await expect(page.locator(`#nav-${id}`)).toHaveAttribute('aria-current', 'page')
}

/** Visible text nodes outside a check's evidence (what a check saw is shown as it is, raw by design). */
async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const texts: string[] = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim()
      const parent = n.parentElement
      if (!text || !parent?.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue
      if (parent.closest('.evidence')) continue
      texts.push(text)
    }
    return texts
  })
}

/** English catalog strings Korean replaces, as whole-text patterns ({x} matches anything). */
const ENGLISH = Object.values(AREAS).flatMap((area) =>
  Object.entries(area.en)
    .filter(([key, en]) => area.ko[key] !== en)
    .map(([key, en]) => ({
      key,
      pattern: new RegExp(
        `^${en
          .split(/\{\w+\}/)
          .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.+')}$`,
      ),
    })),
)
const RAW = /Failed to connect socket|No such file or directory|Connection refused/

/** Every page shows the unreachable state: plain words, the fix, Retry, the way to Preflight and Settings. */
async function expectUnreachableEverywhere(page: Page, lang: 'en' | 'ko') {
  for (const id of PAGES) {
    await go(page, id)
    const panel = page.locator('#unreachable')
    await expect(panel, id).toBeVisible()
    await expect(page.locator('#unreachable-fix'), id).toContainText('systemctl enable --now')
    await expect(page.locator('#unreachable-retry')).toBeEnabled()
    await expect(page.locator('#unreachable-preflight')).toBeVisible()
    await expect(page.locator('#unreachable-settings')).toBeVisible()
    // libvirt's own words only behind "details", closed until asked for.
    await expect(page.locator('#unreachable-details')).not.toHaveAttribute('open', '')
    await expect(page.locator('#unreachable-details code')).toContainText('libvirt-sock')
    await expect(page.locator('#unreachable-what')).not.toContainText(RAW)
    if (lang === 'ko') {
      await expect(page.locator('#unreachable-what')).toContainText('libvirt 데몬')
      const texts = await visibleTexts(page)
      expect(
        texts.filter((t) => RAW.test(t)),
        `${id}: raw libvirt English shown`,
      ).toEqual([])
      const leaks = texts.flatMap((t) =>
        ENGLISH.filter((e) => e.pattern.test(t)).map((e) => `${t} (${e.key})`),
      )
      expect(leaks, `${id}: English catalog text in Korean`).toEqual([])
    } else {
      await expect(page.locator('#unreachable-what')).toHaveText(
        'The libvirt daemon is not running or not reachable',
      )
    }
  }
  // Counts are unknown, not zero; the networks list is unknown, not empty; Create lab says why it is off.
  await go(page, 'topology')
  await expect(page.locator('#topology-counts')).toHaveAttribute('data-known', 'false')
  await expect(page.locator('#topology-counts')).not.toContainText(/\b0\b/)
  await go(page, 'networks')
  await expect(page.locator('#networks-unknown')).toBeVisible()
  await expect(page.locator('#networks-empty')).toHaveCount(0)
  // Checkpoints (every action there is libvirt's) is offered disabled as a whole.
  await go(page, 'checkpoints')
  await expect(page.locator('#page-disabled')).toHaveAttribute('disabled', '')
  await expect(page.locator('#checkpoints-refresh')).toBeDisabled()
  await go(page, 'wizard')
  await expect(page.locator('#wizard-create')).toBeDisabled()
  await expect(page.locator('#wizard-blocked')).toHaveAttribute('data-blocker', 'unreachable')
  await expect(page.locator('#nav-preflight-badge')).toBeVisible()
}

/** Preflight leads with the failed connection check and its fix; what needs it is skipped, not failed. */
async function expectPreflightBlocked(page: Page) {
  await go(page, 'preflight')
  await expect(page.locator('#preflight-summary')).toHaveAttribute('data-ready', 'false')
  await expect(page.locator('#blocker-libvirt-connection-fix')).toContainText('systemctl enable --now')
  // The blocker comes before the list of checks.
  const order = await page.evaluate(() => {
    const blocker = document.querySelector('#preflight-blocker')!
    const list = document.querySelector('#check-libvirt-connection')!
    return blocker.compareDocumentPosition(list) & Node.DOCUMENT_POSITION_FOLLOWING
  })
  expect(order).toBeTruthy()
  for (const id of ['libvirt-access', 'default-network']) {
    await expect(page.locator(`#check-${id}-status`)).toHaveAttribute('data-status', 'skip')
    await expect(page.locator(`#check-${id}-blocked-by`)).toHaveAttribute(
      'data-blocked-by',
      'libvirt-connection',
    )
  }
  await expect(page.locator('#check-libvirt-connection-status')).toHaveAttribute('data-status', 'fail')
  await expect(page.locator('#preflight-count-skip')).toHaveText('2')
  await expect(page.locator('#preflight-count-fail')).toHaveText('1')
  await expect(page.locator('#preflight-ran-at')).toHaveAttribute('data-finished-at', /^\d{4}-/)
}

test('unreachable at start: every page says so in English and Korean, then Preflight → fix → New lab', async ({
  page,
}) => {
  await page.goto(server.url)
  await expect(page.locator('#lang-select')).toHaveValue('en')
  // The first-run path, at a glance: step 1 or 2 is the one to do now, New lab is later.
  await expect(page.locator('#first-run')).toBeVisible()
  await expect(page.locator('#first-run-create')).toHaveAttribute('data-state', 'todo')
  await expect(page.locator('#unreachable')).toBeVisible()
  await expect(page.locator('#first-run-fix')).toHaveAttribute('data-state', 'current')
  await page.screenshot({ path: `${SHOTS}/first-run-1-unreachable.png`, fullPage: true })
  await expectUnreachableEverywhere(page, 'en')
  await expect(page.locator('#nav-preflight-badge')).toHaveAttribute('data-blocker', 'unreachable')
  await expectPreflightBlocked(page)
  await page.screenshot({ path: `${SHOTS}/first-run-2-preflight-blocker.png`, fullPage: true })
  // Retry asks again (a new preflight run), and with the daemon still stopped the state stays.
  const firstRun = await page.locator('#preflight-ran-at').getAttribute('data-finished-at')
  await go(page, 'topology')
  await page.locator('#unreachable-retry').click()
  await expect(page.locator('#unreachable-retry')).toBeEnabled()
  await expect(page.locator('#unreachable-fix')).toContainText('systemctl enable --now')
  await go(page, 'preflight')
  await expect(page.locator('#preflight-ran-at')).not.toHaveAttribute('data-finished-at', firstRun!)
  await expect(page.locator('#preflight-summary')).toHaveAttribute('data-ready', 'false')

  await page.locator('#lang-select').selectOption('ko')
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko')
  await expectUnreachableEverywhere(page, 'ko')
  await go(page, 'preflight')
  await expect(page.locator('#blocker-libvirt-connection')).toContainText('libvirt 데몬')
  await expect(page.locator('#check-default-network-status')).toHaveText('건너뜀')
  await page.screenshot({ path: `${SHOTS}/first-run-2-preflight-blocker-ko.png`, fullPage: true })
  await page.locator('#lang-select').selectOption('en')

  // The fix: the daemon is started (what the copied command does on a real host). Nobody presses Re-run:
  // the engine sees the connection come back and runs the checks again; the page follows.
  await go(page, 'preflight')
  const before = await page.locator('#preflight-ran-at').getAttribute('data-finished-at')
  await daemon.startDaemon()
  await expect(page.locator('#preflight-summary')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 })
  await expect(page.locator('#preflight-ran-at')).not.toHaveAttribute('data-finished-at', before!)
  await expect(page.locator('#preflight-blocker')).toHaveCount(0)
  await expect(page.locator('#nav-preflight-badge')).toHaveCount(0)
  await expect(page.locator('#first-run-check')).toHaveAttribute('data-state', 'done')
  await expect(page.locator('#first-run-fix')).toHaveAttribute('data-state', 'done')
  await expect(page.locator('#first-run-create')).toHaveAttribute('data-state', 'current')
  await page.screenshot({ path: `${SHOTS}/first-run-3-ready.png`, fullPage: true })
  await page.locator('#preflight-next').click()
  await expect(page.locator('#nav-wizard')).toHaveAttribute('aria-current', 'page')
  await expect(page.locator('#unreachable')).toHaveCount(0)
  await expect(page.locator('#wizard-blocked')).toHaveCount(0)
  await expect(page.locator('#wizard-create')).toBeEnabled()
  await page.screenshot({ path: `${SHOTS}/first-run-4-new-lab.png`, fullPage: true })
  // And the topology counts are known again.
  await go(page, 'topology')
  await expect(page.locator('#topology-counts')).toHaveAttribute('data-known', 'true')
  await expect(page.locator('#topology-counts')).toContainText('running')
})

test('stopped mid-session: the pages turn unreachable and Preflight runs again by itself', async ({
  page,
}) => {
  const job = await plantLab()
  await page.goto(server.url)
  // With a lab and its failed job, their actions are offered while libvirt answers...
  await go(page, 'jobs')
  await expect(page.locator(`#job-${job.id}-resume`)).toBeEnabled()
  await expect(page.locator(`#job-${job.id}-delete`)).toBeEnabled()
  await go(page, 'install')
  await expect(page.locator('#install-start')).toBeEnabled()
  await go(page, 'preflight')
  await expect(page.locator('#preflight-summary')).toHaveAttribute('data-ready', 'true')
  await expect(page.locator('#preflight-ran-at')).toContainText('Checked')
  const before = await page.locator('#preflight-ran-at').getAttribute('data-finished-at')
  await go(page, 'networks')
  await expect(page.locator('#network-row-default')).toBeVisible()

  await daemon.stopDaemon()
  await expect(page.locator('#unreachable')).toBeVisible({ timeout: 20_000 })
  await expectUnreachableEverywhere(page, 'en')
  // ...and disabled, saying why, while it does not.
  await go(page, 'jobs')
  for (const action of ['resume', 'delete']) {
    await expect(page.locator(`#job-${job.id}-${action}`)).toBeDisabled()
    await expect(page.locator(`#job-${job.id}-${action}`)).toHaveAttribute('title', /cannot be reached/)
  }
  await go(page, 'install')
  await expect(page.locator('#install-start')).toBeDisabled()
  await expect(page.locator('#install-retry')).toBeDisabled()
  await expect(page.locator('#add-compute-open')).toBeDisabled()
  await expect(page.locator('#install-start')).toHaveAttribute('title', /cannot be reached/)
  // In Korean too, now that the pages hold VMs and networks read before the loss.
  await page.locator('#lang-select').selectOption('ko')
  await expectUnreachableEverywhere(page, 'ko')
  await page.locator('#lang-select').selectOption('en')
  await go(page, 'preflight')
  // Not the old "ready": a new run, after the loss, without Re-run pressed.
  await expect(page.locator('#preflight-ran-at')).not.toHaveAttribute('data-finished-at', before!, {
    timeout: 20_000,
  })
  await expectPreflightBlocked(page)
  // A reload shows the current verdict too (the engine's last report is the new one).
  await page.reload()
  await go(page, 'preflight')
  await expect(page.locator('#preflight-summary')).toHaveAttribute('data-ready', 'false')
  await page.screenshot({ path: `${SHOTS}/lost-connection-preflight.png`, fullPage: true })

  await daemon.startDaemon()
  await expect(page.locator('#preflight-summary')).toHaveAttribute('data-ready', 'true', { timeout: 30_000 })
  await go(page, 'networks')
  await expect(page.locator('#unreachable')).toHaveCount(0)
  await expect(page.locator('#network-row-default')).toBeVisible()
})

test('Settings: Test connection answers for a good and a bad URI; a new URI re-runs Preflight (last: it keeps the bad URI)', async ({
  page,
}) => {
  await page.goto(server.url)
  await go(page, 'settings')
  await expect(page.locator('#settings-uri')).toHaveValue(daemon.testUri)
  await page.locator('#settings-test').click()
  await expect(page.locator('#settings-test-result')).toHaveAttribute('data-status', 'ok')
  await expect(page.locator('#settings-test-summary')).toContainText('Connected to')

  await page.locator('#settings-uri').fill(deadUri())
  await expect(page.locator('#settings-test-result')).toHaveCount(0)
  await page.locator('#settings-test').click()
  await expect(page.locator('#settings-test-result')).toHaveAttribute('data-status', 'fail')
  await expect(page.locator('#settings-test-summary')).toHaveText(
    'The libvirt daemon is not running or not reachable',
  )
  await expect(page.locator('#settings-test-fix')).toContainText('systemctl enable --now')
  await expect(page.locator('#settings-test-details')).not.toHaveAttribute('open', '')
  await page.screenshot({ path: `${SHOTS}/settings-test-connection.png`, fullPage: true })
  await page.locator('#lang-select').selectOption('ko')
  await expect(page.locator('#settings-test-summary')).toHaveText(
    'libvirt 데몬이 실행 중이 아니거나 연결할 수 없습니다',
  )
  expect((await visibleTexts(page)).filter((t) => RAW.test(t))).toEqual([])
  await page.locator('#settings-test-details summary').click()
  await expect(page.locator('#settings-test-details code')).toContainText('Failed to connect socket')
  await page.locator('#lang-select').selectOption('en')
  // A remote URI is tried with the user's credentials: the risk is named first, and Cancel tries nothing.
  // (Nothing listens on port 1 of the loopback.)
  await page.locator('#settings-uri').fill('qemu+ssh://nobody@127.0.0.1:1/system')
  await page.locator('#settings-test').click()
  await expect(page.locator('#settings-test-risk-remote-connection')).toContainText('A remote connection.')
  await page.locator('#settings-test-risks-no').click()
  await expect(page.locator('#settings-test-risks')).toHaveCount(0)
  await expect(page.locator('#settings-test-result')).toHaveCount(0)
  await page.locator('#settings-test').click()
  await page.locator('#settings-test-risks-yes').click()
  await expect(page.locator('#settings-test-result')).toHaveAttribute('data-status', 'fail', {
    timeout: 30_000,
  })
  await expect(page.locator('#settings-test-result')).toHaveAttribute(
    'data-uri',
    'qemu+ssh://nobody@127.0.0.1:1/system',
  )
  // Nothing was saved by testing.
  await page.reload()
  await go(page, 'settings')
  await expect(page.locator('#settings-uri')).toHaveValue(daemon.testUri)

  // Saving the dead URI: the connection changes, and Preflight runs again for it by itself.
  await page.locator('#settings-uri').fill(deadUri())
  await page.locator('#settings-save').click()
  await expect(page.locator('#settings-status')).toHaveText('Saved')
  await go(page, 'preflight')
  await expect(page.locator('#preflight-uri')).toHaveAttribute('data-uri', deadUri(), { timeout: 20_000 })
  await expect(page.locator('#preflight-summary')).toHaveAttribute('data-ready', 'false', { timeout: 20_000 })
  await expect(page.locator('#nav-preflight-badge')).toBeVisible()
  await expect(page.locator('#blocker-libvirt-connection-fix')).toContainText('systemctl enable --now')
  // (Going back from the browser is refused by design: the test socket is not a path the browser may name.
  // This file's engine ends here.)
})
