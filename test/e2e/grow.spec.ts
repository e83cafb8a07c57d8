// "Add compute node" on the Install page, in a real browser on the served engine: a genuine lab state (two
// nodes, OpenStack installed by a recorded successful run) in the engine's data directory. The form proposes
// compute2 with the next free address on each network and the compute node's size, says the node will join
// OpenStack, shows the engine's refusal of a careless or hostile entry under the field, and starts the job
// with the join's steps (its VM steps then fail on this host without templates, as the Jobs page test's
// lab does; the lab is deleted through the engine afterwards).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { LabStore } from '../../src-main/engine/lab/store'
import { DEBIAN_STAGES } from '../../src-shared/install'
import type { LabState } from '../../src-shared/lab'
import { xdgEnv } from '../helpers'
import { engineCall } from './engine'
import { defineDomain, removeDomain } from './libvirt'
import { readyLab } from './lab-record'

const LAB = 'webgrow'
let store: LabStore

function installedLab(): LabState {
  const at = new Date().toISOString()
  return readyLab(LAB, 'debian-12-stacklab', {
    release: 'test',
    createdAt: at,
    install: {
      answersSaved: true,
      runs: [
        {
          id: '20261130T000000-abcdef',
          log: '/var/log/stacklab/packstack-x.log',
          rcFile: '/var/log/stacklab/packstack-x.rc',
          pid: null,
          startedAt: at,
          finishedAt: at,
          outcome: 'success',
          error: null,
        },
      ],
    },
  })
}

test.beforeAll(async () => {
  const data = join(xdgEnv(process.env['STACKLAB_TEST_XDG']!).XDG_DATA_HOME, 'stacklab')
  mkdirSync(data, { recursive: true })
  store = new LabStore(data)
  await store.save(installedLab())
})
test.afterAll(async () => {
  // Delete through the engine: it removes what the started job made (the lab's isolated network) too.
  const job = await engineCall('lab.delete', { name: LAB }).catch(() => null)
  if (job)
    await expect
      .poll(async () => (await engineCall('labs.list', {})).map((l) => l.name), { timeout: 60_000 })
      .not.toContain(LAB)
  else await store?.remove(LAB)
})

async function openForm(page: Page) {
  await page.goto(process.env['STACKLAB_URL']!)
  await page.locator('#nav-install').click()
  await expect(page.locator(`#install-lab option[value="${LAB}"]`)).toHaveCount(1)
  await page.locator('#install-lab').selectOption(LAB)
  await page.locator('#add-compute-open').click()
  await expect(page.locator('#add-compute-form')).toBeVisible()
}

test('a lab VM’s details on the topology offer Add compute node with the same proposal', async ({ page }) => {
  const vm = `${LAB}-controller`
  defineDomain(process.env['STACKLAB_TEST_URI']!, {
    name: vm,
    nics: [{ network: 'default', mac: '52:54:00:e2:e0:31' }],
  })
  try {
    await page.goto(process.env['STACKLAB_URL']!)
    await expect(page.locator('#topology-graph')).toHaveAttribute('data-layout', 'done')
    await page.locator(`#node-${vm}`).click()
    await expect(page.locator('#details-panel')).toHaveAttribute('data-name', vm)
    await page.locator('#topo-add-compute-open').click()
    await expect(page.locator('#topo-add-compute-name')).toHaveValue('compute2')
    await expect(page.locator('#topo-add-compute-ip-0')).toHaveValue('192.168.122.111')
    await expect(page.locator('#topo-add-compute-joins')).toHaveAttribute('data-joins', 'true')
    await page.locator('#topo-add-compute-cancel').click()
    await expect(page.locator('#topo-add-compute-form')).toHaveCount(0)
  } finally {
    removeDomain(process.env['STACKLAB_TEST_URI']!, vm)
  }
})

test('proposes a free compute node, refuses bad entries by field, and starts the join job', async ({
  page,
}) => {
  await openForm(page)
  // The proposal: a free name, the next free address on each network, the compute node's size.
  await expect(page.locator('#add-compute-name')).toHaveValue('compute2')
  await expect(page.locator('#add-compute-ip-0')).toHaveValue('192.168.122.111')
  await expect(page.locator('#add-compute-ip-1')).toHaveValue('192.168.90.111')
  await expect(page.locator('#add-compute-vcpus')).toHaveValue('2')
  await expect(page.locator('#add-compute-memoryMiB')).toHaveValue('4096')
  await expect(page.locator('#add-compute-diskGiB')).toHaveValue('20')
  await expect(page.locator('#add-compute-joins')).toHaveAttribute('data-joins', 'true')
  await expect(page.locator('#add-compute-submit')).toHaveText('Add and join OpenStack')

  // A careless user: the controller's address. The engine refuses; nothing starts.
  await page.locator('#add-compute-ip-0').fill('192.168.122.100')
  await page.locator('#add-compute-submit').click()
  await expect(page.locator('#add-compute-error')).toContainText('192.168.122.100')
  await expect(page.locator('#add-compute-job')).toHaveCount(0)

  // A hostile name (a shell word, a path): refused under the name field.
  await page.locator('#add-compute-ip-0').fill('192.168.122.111')
  await page.locator('#add-compute-name').fill('x;rm -rf /')
  await page.locator('#add-compute-submit').click()
  await expect(page.locator('#add-compute-error')).toBeVisible()
  await expect(page.locator('#add-compute-form .field-error').first()).toBeVisible()
  await expect(page.locator('#add-compute-job')).toHaveCount(0)
  expect((await store.get(LAB))!.definition.nodes.map((n) => n.name)).toEqual(['controller', 'compute'])

  // The proposal as it is: the job starts, listing the VM's steps and then the join's.
  await page.locator('#add-compute-name').fill('compute2')
  await page.locator('#add-compute-submit').click()
  await expect(page.locator('#add-compute-job')).toBeVisible()
  for (const step of ['join-checkpoint', 'join-prepare', 'join-answers', 'run', 'discover', 'verify'])
    await expect(page.locator(`#add-compute-step-${step}`)).toHaveCount(1)
  await expect(page.locator('#add-compute-step-discover')).toContainText('discover_hosts')
  expect((await store.get(LAB))!.definition.nodes.map((n) => n.name)).toContain('compute2')
  // The VM steps fail here (no template source for the test driver's host): the job says so, and the
  // join's steps never start.
  await expect(page.locator('#add-compute-job')).toHaveAttribute('data-state', 'failed', { timeout: 60_000 })
  await expect(page.locator('#add-compute-job-error')).toBeVisible()
  await expect(page.locator('#add-compute-step-join-checkpoint')).toHaveAttribute('data-state', 'pending')
})

test('on a lab installed from packages: joins by default, or adds the VM only to join by hand', async ({
  page,
}) => {
  const name = 'webgrowdeb'
  const installed = readyLab(name, 'debian-12-openstack', {
    install: {
      answersSaved: false,
      runs: [],
      stages: { done: DEBIAN_STAGES.map((s) => s.id), current: null, failed: null, seconds: {} },
    },
  })
  await store.save(installed)
  try {
    await page.goto(process.env['STACKLAB_URL']!)
    await page.locator('#nav-install').click()
    await expect(page.locator(`#install-lab option[value="${name}"]`)).toHaveCount(1)
    await page.locator('#install-lab').selectOption(name)
    await page.locator('#add-compute-open').click()
    // Installed (every stage done): the node joins, and the box to do it by hand instead is there.
    await expect(page.locator('#add-compute-joins')).toHaveAttribute('data-joins', 'true')
    await expect(page.locator('#add-compute-join')).toBeChecked()
    await expect(page.locator('#add-compute-submit')).toHaveText('Add and join OpenStack')
    await page.locator('#add-compute-join').uncheck()
    await expect(page.locator('#add-compute-joins')).toHaveAttribute('data-joins', 'false')
    await expect(page.locator('#add-compute-joins')).toContainText('join it by hand as in seed 000')
    await page.locator('#add-compute-join').check()
    await page.locator('#add-compute-join').uncheck()
    // By hand: the job is the VM's steps alone, no join step (they fail here: no template source).
    await page.locator('#add-compute-submit').click()
    await expect(page.locator('#add-compute-job')).toBeVisible()
    await expect(page.locator('#add-compute-step-define')).toHaveCount(1)
    await expect(page.locator('[id^="add-compute-step-join-"]')).toHaveCount(0)
    // ...and one to let the controller log into it (ssh compute1), as the seeds' scp needs.
    await expect(page.locator('#add-compute-step-trust')).toHaveCount(1)
    await expect(page.locator('#add-compute-job')).toHaveAttribute('data-state', 'failed', {
      timeout: 60_000,
    })
  } finally {
    const job = await engineCall('lab.delete', { name }).catch(() => null)
    if (job)
      await expect
        .poll(async () => (await engineCall('labs.list', {})).map((l) => l.name), { timeout: 60_000 })
        .not.toContain(name)
    else await store.remove(name)
  }
})
