// The app on the lab test bed, as a learner uses it, in Debian's Chromium against the browser host and real
// QEMU guests: create the two-node lab in the wizard, see it running in the topology and follow a state
// change made with virsh, type into the controller's SSH console and see its serial console's login prompt,
// take and restore a checkpoint, install OpenStack (the packstack/openstack TEST DOUBLES inside the guests)
// and read its status with the Horizon link, then switch to Korean. Screenshots of each screen go to test-results/screenshots/lab-*.png.
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { engineCall, url } from '../e2e/engine'

const LAB = 'ui'
const uri = () => process.env['STACKLAB_LAB_URI']!
const virsh = (...args: string[]) => execFileSync('virsh', ['-c', uri(), ...args], { encoding: 'utf8' })
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `test-results/screenshots/lab-${name}.png`, fullPage: true })

test.beforeAll(() => mkdirSync('test-results/screenshots', { recursive: true }))

test.afterAll(async () => {
  // Leave the bed as found: the lab's delete removes exactly what it made.
  const job = await engineCall('lab.delete', { name: LAB }).catch(() => null)
  if (job)
    await expect
      .poll(async () => (await engineCall('jobs.list', {})).find((j) => j.id === job.id)?.state, {
        timeout: 120_000,
        intervals: [1000],
      })
      .not.toBe('running')
})

test('a lab from the wizard to OpenStack status, on real guests', async ({ page }) => {
  test.setTimeout(25 * 60_000)
  await page.goto(url())

  // Wizard: the seeds' lab on the offline test template, sized for software emulation.
  await page.click('#nav-wizard')
  await page.fill('#wizard-name', LAB)
  await page.selectOption('#wizard-preset', 'debian-12-stacklab')
  await page.selectOption('#wizard-release', 'test')
  await page.fill('#wizard-node-0-vcpus', '2')
  await page.fill('#wizard-node-0-memory', '4096')
  await page.fill('#wizard-node-0-disk', '4')
  await page.fill('#wizard-node-1-vcpus', '1')
  await page.fill('#wizard-node-1-memory', '1024')
  await page.fill('#wizard-node-1-disk', '4')
  await expect(page.locator(`#wizard-plan-domain-${LAB}-controller`)).toBeVisible()
  await expect(page.locator('#wizard-create')).toBeEnabled()
  await page.click('#wizard-create')
  const state = page.locator('[id^="job-"][id$="-state"]').first()
  await expect(state).toHaveAttribute('data-state', 'running')
  await expect(state).toHaveAttribute('data-state', 'succeeded', { timeout: 15 * 60_000 })
  await shot(page, 'job')

  // Topology: both nodes running; a suspend made with virsh shows up live, and so does the resume.
  await page.click('#nav-topology')
  await expect(page.locator(`#node-${LAB}-controller-state`)).toHaveAttribute('data-state', 'running')
  await expect(page.locator(`#node-${LAB}-compute-state`)).toHaveAttribute('data-state', 'running')
  virsh('suspend', `${LAB}-compute`)
  await expect(page.locator(`#node-${LAB}-compute-state`)).toHaveAttribute('data-state', 'paused')
  virsh('resume', `${LAB}-compute`)
  await expect(page.locator(`#node-${LAB}-compute-state`)).toHaveAttribute('data-state', 'running')
  await shot(page, 'topology')

  // Console: the controller's shell over SSH (pinned host key), typed into and answered.
  await page.click('#nav-consoles')
  await page.selectOption('#console-lab', LAB)
  await page.selectOption('#console-node', 'controller')
  await page.selectOption('#console-kind', 'ssh')
  await page.click('#console-open')
  const term = page.locator('#console-term-controller-ssh')
  await expect(term.locator('.xterm-screen')).toBeVisible()
  const search = page.locator('#console-search')
  const found = (text: string) =>
    expect(async () => {
      await search.fill(text)
      await search.press('Enter')
      await expect(page.locator('#console-search-count')).not.toHaveAttribute('data-count', '0', {
        timeout: 1000,
      })
    }).toPass({ timeout: 60_000 })
  await found('root@controller')
  await term.click()
  await page.keyboard.type('echo lab_$((6*7)) $(hostname)\n')
  await found('lab_42 controller.example.com')
  await shot(page, 'console')
  // The serial console too (virsh console on a pty): the node's getty on ttyS0 prints its login prompt on
  // Enter. Enter goes again on each try: one typed before virsh has attached reaches nobody (the page says
  // "press Enter if the screen stays empty", as a user finds).
  await page.selectOption('#console-kind', 'serial')
  await page.click('#console-open')
  const serial = page.locator('#console-term-controller-serial')
  await expect(serial.locator('.xterm-screen')).toBeVisible()
  await expect(async () => {
    await serial.click()
    await page.keyboard.press('Enter')
    await search.fill(' login:')
    await search.press('Enter')
    await expect(page.locator('#console-search-count')).not.toHaveAttribute('data-count', /^(0|)$/, {
      timeout: 3000,
    })
  }).toPass({ timeout: 120_000 })
  await shot(page, 'console-serial')

  // Checkpoints: take one of the whole lab, change a node, restore after the confirmation.
  await page.click('#nav-checkpoints')
  await page.selectOption('#checkpoints-scope', LAB)
  await page.fill('#checkpoint-new-name', 'ui-before')
  await page.click('#checkpoint-create')
  await expect(page.locator('#checkpoint-ui-before')).toBeVisible({ timeout: 120_000 })
  virsh('suspend', `${LAB}-compute`)
  await page.click('#checkpoint-ui-before-restore')
  await expect(page.locator('#confirm-restore')).toBeVisible()
  await expect(page.locator('#confirm-restore-lost')).toContainText(`${LAB}-compute`)
  await shot(page, 'restore-confirm')
  await page.click('#confirm-restore-yes')
  await expect.poll(() => virsh('domstate', `${LAB}-compute`).trim(), { timeout: 120_000 }).toBe('running')

  // Install: the answer file generated with the lab's hosts, packstack run, status and Horizon.
  await page.click('#nav-install')
  await page.selectOption('#install-lab', LAB)
  await page.click('#answers-load')
  await expect(page.locator('#answers-field-controllerHost')).toHaveValue('192.168.122.100', {
    timeout: 120_000,
  })
  await expect(page.locator('#answers-field-computeHosts')).toHaveValue('192.168.122.110')
  await page.click('#answers-check')
  await expect(page.locator('#answers-problems')).not.toContainText('CONFIG_CONTROLLER_HOST')
  await page.click('#install-start')
  await expect(page.locator('#install-job')).toHaveAttribute('data-state', 'running')
  await expect(page.locator('#install-step-run')).toHaveAttribute('data-state', 'running', {
    timeout: 5 * 60_000,
  })
  await shot(page, 'install-running')
  await expect(page.locator('#install-job')).toHaveAttribute('data-state', 'succeeded', {
    timeout: 10 * 60_000,
  })
  await page.click('#status-refresh')
  await expect(page.locator('#status-node-controller-health')).toHaveAttribute('data-health', 'ok', {
    timeout: 120_000,
  })
  await expect(page.locator('#status-node-compute-health')).toHaveAttribute('data-health', 'ok')
  await expect(page.locator('#status-horizon a')).toHaveAttribute('href', 'http://192.168.122.100/dashboard')
  await shot(page, 'install-status')
  // The topology shows the same health on each node.
  await page.click('#nav-topology')
  await expect(page.locator(`#node-${LAB}-controller-health`)).toHaveAttribute('data-health', 'ok')
  await expect(page.locator(`#node-${LAB}-compute-health`)).toHaveAttribute('data-health', 'ok')
  await page.click('#nav-install')

  // Korean, on the same live screens.
  await page.selectOption('#lang-select', 'ko')
  await expect(page.locator('#nav-install')).toHaveText('설치')
  await expect(page.locator('#status-refresh')).toHaveText('상태 확인')
  await page.click('#nav-topology')
  await shot(page, 'topology-ko')
})
