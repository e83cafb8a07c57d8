// VMs as a hypervisor manager shows them, in a real browser against the real engine on libvirt's test
// driver, every action checked with virsh: Pause/Resume with the action that fits the state as the primary
// one; Force off and Delete asking first and saying what is lost; the serial console of a VM outside any lab
// opened from its details; start all / stop all for a lab; VM boxes with addresses, vCPU/memory and role
// (OpenStack health only on lab nodes); the host box's capacity from real values; readable text at
// fit-to-view. Leaves test-results/screenshots/vm-paused.png (a paused VM's panel) for the README.
import { existsSync, mkdirSync, statfsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { LabStore } from '../../src-main/engine/lab/store'
import type { LabState } from '../../src-shared/lab'
import { xdgEnv } from '../helpers'
import { consoleShows } from './console-search'
import { engineCall } from './engine'
import { defineDomain, removeDomain, virsh } from './libvirt'
import { readyLab } from './lab-record'

const url = () => process.env['STACKLAB_URL']!
const uri = () => process.env['STACKLAB_TEST_URI']!
const domstate = (name: string) => virsh('domstate', name).trim()

async function openTopology(page: Page) {
  await page.goto(url())
  await expect(page.locator('#topology-graph')).toHaveAttribute('data-layout', 'done')
}

test('a paused VM: Pause and Resume act on libvirt, the fitting action is primary, Force off and Delete ask first', async ({
  page,
}) => {
  const vm = 'e2e-vm-pause'
  defineDomain(
    uri(),
    { name: vm, vcpus: 2, memoryMiB: 1536, nics: [{ network: 'default', mac: '52:54:00:e2:f0:01' }] },
    true,
  )
  try {
    await openTopology(page)
    await page.locator(`#node-${vm}`).click()
    await expect(page.locator('#details-panel')).toHaveAttribute('data-name', vm)
    // Running: Shut down is the primary action; Pause is offered, Resume is not.
    await expect(page.locator('#details-shutdown')).toHaveAttribute('data-primary', 'true')
    await expect(page.locator('#details-resume')).toHaveCount(0)
    await page.locator('#details-pause').click()
    await expect(page.locator(`#node-${vm}-state`)).toHaveAttribute('data-state', 'paused')
    expect(domstate(vm)).toBe('paused')

    // Paused: Resume is the primary action, first in the row; Start, Shut down and Pause are not offered.
    await expect(page.locator('#details-resume')).toHaveAttribute('data-primary', 'true')
    await expect(page.locator('.details-actions button').first()).toHaveId('details-resume')
    for (const gone of ['#details-start', '#details-shutdown', '#details-pause'])
      await expect(page.locator(gone)).toHaveCount(0)
    await expect(page.locator('#details-forceOff')).toBeEnabled()
    await page.locator('#details-panel').screenshot({ path: 'test-results/screenshots/vm-paused.png' })

    // Force off asks, says a paused VM's memory is lost, and does nothing when declined.
    await page.locator('#details-forceOff').click()
    await expect(page.locator('#force-off')).toBeVisible()
    await expect(page.locator('#force-off-lost')).toContainText('everything in its memory is lost')
    await page.locator('#force-off-no').click()
    await expect(page.locator('#force-off')).toHaveCount(0)
    expect(domstate(vm)).toBe('paused')
    await page.locator('#details-resume').click()
    await expect(page.locator(`#node-${vm}-state`)).toHaveAttribute('data-state', 'running')
    expect(domstate(vm)).toBe('running')
    await page.locator('#details-forceOff').click()
    await expect(page.locator('#force-off-lost')).toContainText('not written to its disk is lost')
    await page.locator('#force-off-yes').click()
    await expect(page.locator(`#node-${vm}-state`)).toHaveAttribute('data-state', 'shutoff')
    expect(domstate(vm)).toBe('shut off')
    await expect(page.locator('#details-start')).toHaveAttribute('data-primary', 'true')

    // Delete asks and says what goes; declined, the VM stays; confirmed, libvirt no longer has it.
    await page.locator('#details-delete').click()
    await expect(page.locator('#delete-domain-lost')).toContainText('snapshots')
    await expect(page.locator('#delete-domain')).toContainText('disks are kept')
    await page.locator('#delete-with-disks').check()
    await expect(page.locator('#delete-domain')).toContainText('everything on them')
    await page.locator('#delete-with-disks').uncheck()
    await page.locator('#delete-domain-no').click()
    expect(virsh('list', '--all', '--name')).toContain(vm)
    await page.locator('#details-delete').click()
    await page.locator('#delete-domain-yes').click()
    await expect(page.locator(`#node-${vm}`)).toHaveCount(0)
    expect(virsh('list', '--all', '--name')).not.toContain(vm)
  } finally {
    removeDomain(uri(), vm)
  }
})

test('a VM outside any lab: its box shows addresses and size, no OpenStack health, and its serial console opens', async ({
  page,
}) => {
  try {
    await openTopology(page)
    // The test driver's own `test` domain: in no lab. Its address as libvirt reports it (ARP).
    const mac = /<mac address='([0-9a-f:]+)'/.exec(virsh('dumpxml', 'test'))![1]!
    const address = new RegExp(`${mac}\\s+ipv4\\s+([\\d.]+)/`).exec(
      virsh('domifaddr', 'test', '--source', 'arp'),
    )![1]!
    const info = virsh('dominfo', 'test')
    const cpus = /CPU\(s\):\s+(\d+)/.exec(info)![1]!
    const mib = Number(/Max memory:\s+(\d+) KiB/.exec(info)![1]) / 1024
    await expect(page.locator('#node-test-addresses')).toHaveText(address)
    await expect(page.locator('#node-test-size')).toHaveText(`${cpus} vCPU · ${mib / 1024} GiB`)
    await expect(page.locator('#node-test')).not.toContainText(mac)
    await expect(page.locator('#node-test-health')).toHaveCount(0)
    await expect(page.locator('#node-test')).not.toContainText('OpenStack')
    await expect(page.locator('#node-test-role')).toHaveCount(0)

    await page.locator('#node-test').click()
    await expect(page.locator('#details-ssh-command')).toContainText(`ssh ${address}`)
    await expect(page.locator('#details-console-ssh')).toHaveCount(0) // no key for a VM Stacklab did not make
    await page.locator('#details-console-serial').click()
    await expect(page.locator('#nav-consoles')).toHaveAttribute('aria-current', 'page')
    await expect(page.locator('#console-tab-vm-test-serial')).toHaveAttribute('aria-selected', 'true')
    const term = page.locator('#console-term-vm-test-serial')
    await expect(term).toHaveAttribute('data-console-id', /[0-9a-f-]{36}/)
    // virsh itself answered in the pane: it reached the domain (the test driver has no console device).
    await consoleShows(page, "Connected to domain 'test'", { count: 1 })
  } finally {
    for (const s of await engineCall('consoles.list', {})) await engineCall('console.close', { id: s.id })
  }
})

const LAB = 'webpower'
function powerLab(): LabState {
  return readyLab(LAB, 'debian-12-stacklab', { release: 'test', macs: [] })
}

test('start all / stop all for a lab act on its VMs; lab boxes show their role and OpenStack health', async ({
  page,
}) => {
  const data = join(xdgEnv(process.env['STACKLAB_TEST_XDG']!).XDG_DATA_HOME, 'stacklab')
  mkdirSync(data, { recursive: true })
  const store = new LabStore(data)
  await store.save(powerLab())
  const vms = [`${LAB}-controller`, `${LAB}-compute`]
  vms.forEach((name, i) =>
    defineDomain(uri(), {
      name,
      vcpus: 2,
      memoryMiB: 4096,
      nics: [{ network: 'default', mac: `52:54:00:e2:f1:0${i}` }],
    }),
  )
  try {
    await openTopology(page)
    await expect(page.locator(`#lab-${LAB}`)).toBeVisible()
    await expect(page.locator(`#node-${LAB}-controller-role`)).toHaveText('Controller')
    await expect(page.locator(`#node-${LAB}-compute-role`)).toHaveText('Compute')
    await expect(page.locator(`#node-${LAB}-controller-health`)).toBeVisible()
    // No address reported yet: the lab's own, not a MAC.
    await expect(page.locator(`#node-${LAB}-controller-addresses`)).toHaveText('192.168.122.100')
    for (const vm of vms) expect(domstate(vm)).toBe('shut off')

    await page.locator(`#labframe-${LAB}-start-all`).click()
    await expect(page.locator(`#labframe-${LAB}-power-result`)).toHaveText('✓')
    for (const vm of vms) {
      await expect(page.locator(`#node-${vm}-state`)).toHaveAttribute('data-state', 'running')
      expect(domstate(vm)).toBe('running')
    }
    expect(domstate('test')).toBe('running')

    // Stop all asks first; declined, nothing stops.
    await page.locator(`#labframe-${LAB}-stop-all`).click()
    await expect(page.locator(`#labframe-${LAB}-stop-confirm`)).toContainText('forced off')
    await page.locator(`#labframe-${LAB}-stop-confirm-no`).click()
    for (const vm of vms) expect(domstate(vm)).toBe('running')
    // From a lab VM's details this time, with each node's outcome listed.
    await page.locator(`#node-${LAB}-compute`).click()
    await page.locator('#details-lab-stop-all').click()
    await page.locator('#details-lab-stop-confirm-yes').click()
    await expect(page.locator('#details-lab-power-result [data-node="controller"]')).toHaveAttribute(
      'data-outcome',
      'shut-off',
    )
    await expect(page.locator('#details-lab-power-result [data-node="compute"]')).toHaveAttribute(
      'data-outcome',
      'shut-off',
    )
    for (const vm of vms) expect(domstate(vm)).toBe('shut off')
    expect(domstate('test')).toBe('running')

    // The list view (keyboards, screen readers) offers the same.
    await page.locator('#details-close').click()
    await page.locator('#topology-view-list').click()
    await page.locator(`#list-lab-${LAB}-start-all`).click()
    await expect(page.locator(`#list-lab-${LAB}-power-result [data-outcome="started"]`)).toHaveCount(2)
    for (const vm of vms) expect(domstate(vm)).toBe('running')
  } finally {
    for (const vm of vms) removeDomain(uri(), vm)
    await store.remove(LAB)
  }
})

test('the host box shows its capacity, read from libvirt and the images directory', async ({ page }) => {
  await openTopology(page)
  const nodeinfo = virsh('nodeinfo')
  const cpus = /^CPU\(s\):\s+(\d+)/m.exec(nodeinfo)![1]!
  const kib = /^Memory size:\s+(\d+) KiB/m.exec(nodeinfo)![1]!
  await expect(page.locator('#topo-host-cpu')).toHaveAttribute('data-cpus', cpus)
  await expect(page.locator('#topo-host-cpu')).toHaveText(`${cpus} CPUs`)
  await expect(page.locator('#topo-host-memory')).toHaveAttribute('data-total-kib', kib)
  await expect(page.locator('#topo-host-memory')).toContainText(`Memory ${Number(kib) / 1024 / 1024} GiB`)
  // The test driver keeps no memory statistics: said so, not made up.
  await expect(page.locator('#topo-host-memory')).toContainText('unknown free')
  const capacity = await engineCall('libvirt.capacity', {})
  let dir = capacity.imagesDir!
  while (!existsSync(dir)) dir = dirname(dir)
  const fs = statfsSync(dir)
  const shown = Number(await page.locator('#topo-host-disk').getAttribute('data-free-bytes'))
  expect(Math.abs(shown - fs.bavail * fs.bsize)).toBeLessThan(256 * 1024 * 1024)
  await expect(page.locator('#topo-host-disk')).toContainText('GiB free')
})

test('text in the diagram stays readable at fit-to-view', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await openTopology(page)
  await page.locator('#node-test').click() // the details panel takes room from the diagram
  await page.locator('#topology-zoom-fit').click()
  // The size a reader sees: the font size times the diagram's zoom, for every VM's and the host's text.
  const smallest = await page.evaluate(() => {
    const m = /matrix\(([\d.]+)/.exec(
      getComputedStyle(document.querySelector('.react-flow__viewport')!).transform,
    )
    const zoom = m ? Number(m[1]) : 1
    const sizes = Array.from(
      document.querySelectorAll('.topo-node .topo-sub, .topo-node .topo-title, .topo-node .mono'),
      (e) => parseFloat(getComputedStyle(e).fontSize) * zoom,
    )
    return Math.min(...sizes)
  })
  expect(smallest).toBeGreaterThanOrEqual(10)
})
