// Jobs in a real browser against the real engine: a lab build held at the base image (virt-builder waits on a
// template repository that accepts connections and never answers) is shown live and cancelled from the page,
// which stops virt-builder and rolls back what the run made. A build whose engine process was killed (the
// `stacklab` command, SIGKILL) shows as interrupted, with Resume, which the page's engine carries on.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { stringify } from 'yaml'
import { defaultLab } from '../../src-shared/lab'
import type { Settings } from '../../src-shared/settings'
import { xdgEnv } from '../helpers'
import { engineCall, url, virsh } from './engine'

let dir: string
let before: Settings
let repo: Server
const sockets = new Set<Socket>()

/** Processes (pid, argv) whose command line mentions this test's directory: virt-builder runs. */
function toolsOnOurFiles(): { pid: number; argv: string[] }[] {
  const found: { pid: number; argv: string[] }[] = []
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid)) continue
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
      if (argv.some((a) => a.includes(dir)) && argv.some((a) => a.endsWith('virt-builder')))
        found.push({ pid, argv })
    } catch {
      /* gone */
    }
  }
  return found
}

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stacklab-jobs-'))
  mkdirSync(join(dir, 'images'))
  // A template repository that takes the connection and never answers: virt-builder waits on it.
  repo = createServer((s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((r) => repo.listen(0, '127.0.0.1', r))
  const port = (repo.address() as { port: number }).port
  mkdirSync(join(dir, 'templates', 'virt-builder', 'repos.d'), { recursive: true })
  writeFileSync(
    join(dir, 'templates', 'virt-builder', 'repos.d', 'silent.conf'),
    `[silent]\nuri=http://127.0.0.1:${port}/index\n`,
  )
  before = await engineCall('settings.get', {})
  await engineCall('settings.update', {
    imagesDir: join(dir, 'images'),
    templateSource: join(dir, 'templates'),
    templateUnsigned: true,
    // This side door is a browser-host caller: it names the risks these settings carry (issue #11).
    confirmRisks: ['unsigned-templates', 'template-source'],
  })
})

test.afterAll(async () => {
  await engineCall('settings.update', { ...before, confirmRisks: ['unsigned-templates', 'template-source'] })
  for (const s of sockets) s.destroy()
  await new Promise((r) => repo.close(r))
  // virt-builder runs of the killed command are orphans: stop the ones working on this test's files.
  for (const { pid } of toolsOnOurFiles()) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      /* gone */
    }
  }
  rmSync(dir, { recursive: true, force: true })
})

async function waitAtBaseImage(page: Page, id: string) {
  await expect(page.locator(`#${id}-state`)).toHaveAttribute('data-state', 'running')
  await expect(page.locator(`#${id}-step-base-image`)).toHaveAttribute('data-state', 'running', {
    timeout: 30_000,
  })
  await expect.poll(() => toolsOnOurFiles().length, { timeout: 15_000 }).toBeGreaterThan(0)
}

test('a running job shows live and is cancelled from the page, rolling back what it made', async ({
  page,
}) => {
  await page.goto(url())
  await page.click('#nav-wizard')
  await page.click('#wizard-reset')
  await page.fill('#wizard-name', 'e2ecancel')
  await page.click('#wizard-create')
  const card = page.locator('li.job.selected')
  const id = (await card.getAttribute('id'))!
  await waitAtBaseImage(page, id)
  expect(virsh('net-list', '--all', '--name')).toContain('e2ecancel-int')
  // Elapsed time is live while the job runs.
  const first = await page.locator(`#${id}-elapsed`).textContent()
  await expect(page.locator(`#${id}-elapsed`)).not.toHaveText(first!, { timeout: 5000 })
  await expect(page.locator(`#${id}-progress`)).toHaveAttribute('aria-valuenow', '22')
  await page.screenshot({ path: 'test-results/screenshots/jobs-running.png', fullPage: true })

  await page.click(`#${id}-cancel`)
  await expect(page.locator(`#${id}-state`)).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 })
  await expect(page.locator(`#${id}-cancel`)).toHaveCount(0)
  // The lab is gone with what the run made, so there is nothing to resume or delete.
  await expect(page.locator(`#${id}-delete`)).toHaveCount(0)
  await expect(page.locator(`#${id}-resume`)).toHaveCount(0)
  // virt-builder stopped, the network this run made removed, the empty lab gone.
  expect(toolsOnOurFiles()).toEqual([])
  expect(virsh('net-list', '--all', '--name')).not.toContain('e2ecancel-int')
  expect((await engineCall('labs.list', {})).map((l) => l.name)).not.toContain('e2ecancel')
  const base = join(dir, 'images', 'stacklab-base')
  expect(existsSync(base) ? readdirSync(base) : []).toEqual([])
})

test('a job whose engine was killed shows as interrupted, and Resume carries on', async ({ page }) => {
  const file = join(dir, 'e2eint.yaml')
  writeFileSync(file, stringify(defaultLab('e2eint')))
  // The stacklab command, with the same settings and data as the page's engine, killed mid-build.
  const cli: ChildProcess = spawn('node', ['bin/stacklab.js', 'lab', 'create', file], {
    env: { ...process.env, ...xdgEnv(process.env['STACKLAB_TEST_XDG']!), NO_COLOR: '1' },
    stdio: 'ignore',
  })
  await expect
    .poll(
      async () =>
        (await engineCall('jobs.list', {}))
          .find((j) => j.lab === 'e2eint')
          ?.steps.find((s) => s.id === 'base-image')?.state,
      { timeout: 30_000 },
    )
    .toBe('running')
  await expect.poll(() => toolsOnOurFiles().length, { timeout: 15_000 }).toBeGreaterThan(0)

  // While the command lives, its job is running there: the page's engine cannot cancel it, and says so.
  await page.goto(url())
  await page.click('#nav-jobs')
  const old = (await engineCall('jobs.list', {})).find((j) => j.lab === 'e2eint')!
  const id = `job-${old.id}`
  expect(old.pid).toBe(cli.pid)
  await expect(page.locator(`#${id}-state`)).toHaveAttribute('data-state', 'running')
  await page.click(`#${id}-cancel`)
  await expect(page.locator(`#${id}-elsewhere`)).toContainText(`pid ${cli.pid}`)

  cli.kill('SIGKILL')
  await new Promise((r) => cli.once('exit', r))
  await page.click('#jobs-refresh')
  await expect(page.locator(`#${id}-state`)).toHaveAttribute('data-state', 'interrupted')
  await expect(page.locator(`#${id}-interrupted`)).toBeVisible()
  await expect(page.locator(`#${id}-cancel`)).toHaveCount(0)
  await page.screenshot({ path: 'test-results/screenshots/jobs-interrupted.png', fullPage: true })

  await page.click(`#${id}-resume`)
  const resumed = page.locator('li.job.selected')
  await expect(resumed).not.toHaveAttribute('id', id)
  const rid = (await resumed.getAttribute('id'))!
  await expect(page.locator(`#${rid}-state`)).toHaveAttribute('data-state', 'running')
  // Steps the killed run finished are not done again; the base image is where it carries on.
  await expect(page.locator(`#${rid}-step-networks`)).toHaveAttribute('data-state', 'skipped')
  await waitAtBaseImage(page, rid)
  await expect(page.locator(`#${id}-resume`)).toHaveCount(0)

  // Cancel the resumed run; then delete the lab, which removes the network the first run made.
  await page.click(`#${rid}-cancel`)
  await expect(page.locator(`#${rid}-state`)).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 })
  await page.click(`#${rid}-delete`)
  await page.click('#confirm-delete-yes')
  await expect
    .poll(async () => (await engineCall('labs.list', {})).map((l) => l.name), { timeout: 30_000 })
    .not.toContain('e2eint')
  expect(virsh('net-list', '--all', '--name')).not.toContain('e2eint-int')
})
