// The topology page in a real browser against the real engine on libvirt's test driver: it must show what
// virsh shows, pick up domains and networks defined beside it with virsh, follow state changes live, open
// details on click or keyboard, and run domain actions for real.
//
// The README's topology screenshot is taken by the last test. It goes to test-results/screenshots/ so a test
// run leaves the tree clean; `STACKLAB_UPDATE_DOCS=1 npx playwright test test/e2e/topology.spec.ts` writes it
// to docs/screenshot-topology.png instead, to update the README.
import { expect, test, type Page } from '@playwright/test'
import { defineDomain, defineNetwork, names, removeDomain, removeNetwork, virsh } from './libvirt'

const url = () => process.env['STACKLAB_URL']!
const uri = () => process.env['STACKLAB_TEST_URI']!
const README_SCREENSHOT =
  process.env['STACKLAB_UPDATE_DOCS'] === '1'
    ? 'docs/screenshot-topology.png'
    : 'test-results/screenshots/topology-readme.png'

async function openTopology(page: Page) {
  await page.goto(url())
  await expect(page.locator('#nav-topology')).toHaveAttribute('aria-current', 'page')
  await expect(page.locator('#topology-graph')).toHaveAttribute('data-layout', 'done')
}

test('shows every network and domain the test driver has, with their states', async ({ page }) => {
  const workers: string[] = []
  page.on('worker', (w) => workers.push(w.url()))
  await openTopology(page)
  // The layout ran in elkjs's Web Worker, off the page's main thread.
  expect(workers.some((u) => /elk-worker/.test(u))).toBe(true)
  const domains = names(virsh('list', '--all', '--name'))
  const networks = names(virsh('net-list', '--all', '--name'))
  expect(domains).toContain('test')
  expect(networks).toContain('default')
  for (const n of networks) await expect(page.locator(`#net-${n}`)).toBeVisible()
  for (const d of domains) {
    await expect(page.locator(`#node-${d}`)).toBeVisible()
    const state = virsh('domstate', d).trim().replace('shut off', 'shutoff')
    await expect(page.locator(`#node-${d}-state`)).toHaveAttribute('data-state', state)
  }
  // The test domain's box shows the address libvirt reports for its NIC (`domifaddr --source arp`).
  const mac = /<mac address='([0-9a-f:]+)'/.exec(virsh('dumpxml', 'test'))![1]!
  const address = new RegExp(`${mac}\\s+ipv4\\s+([\\d.]+)/`).exec(
    virsh('domifaddr', 'test', '--source', 'arp'),
  )![1]!
  await expect(page.locator('#node-test')).toContainText(address)
  // Not a lab node: no OpenStack health (it could only ever say "unknown"); its size instead.
  await expect(page.locator('#node-test-health')).toHaveCount(0)
  await expect(page.locator('#node-test-size')).toContainText('vCPU')
  await expect(page.locator('#topology-graph')).toHaveAttribute(
    'data-nodes',
    String(1 + domains.length + networks.length),
  )
})

test('a network and a domain defined with virsh appear, and state changes show live', async ({ page }) => {
  await openTopology(page)
  const net = 'e2e-topo-net'
  const vm = 'e2e-topo-vm'
  try {
    defineNetwork(uri(), { name: net, prefix: '192.168.151', mode: 'isolated', bridge: 'virbr151' })
    await expect(page.locator(`#net-${net}`)).toBeVisible()
    await expect(page.locator(`#net-${net}`)).toContainText('192.168.151.0/24')
    defineDomain(uri(), { name: vm, nics: [{ network: net, mac: '52:54:00:e2:e0:01' }] }, true)
    await expect(page.locator(`#node-${vm}`)).toBeVisible()
    // Its box shows the address libvirt reports for that NIC (`domifaddr --source arp`).
    const seen = /52:54:00:e2:e0:01\s+ipv4\s+([\d.]+)\//.exec(virsh('domifaddr', vm, '--source', 'arp'))![1]!
    await expect(page.locator(`#node-${vm}`)).toContainText(seen)
    await expect(page.locator(`#node-${vm}-state`)).toHaveAttribute('data-state', 'running')
    // A line joins the network and the VM.
    await expect(page.locator(`[data-id="e:${net}:${vm}"]`)).toHaveCount(1)

    virsh('suspend', vm)
    await expect(page.locator(`#node-${vm}-state`)).toHaveAttribute('data-state', 'paused')
    virsh('resume', vm)
    await expect(page.locator(`#node-${vm}-state`)).toHaveAttribute('data-state', 'running')
    virsh('destroy', vm)
    await expect(page.locator(`#node-${vm}-state`)).toHaveAttribute('data-state', 'shutoff')
    virsh('start', vm)
    await expect(page.locator(`#node-${vm}-state`)).toHaveAttribute('data-state', 'running')
    virsh('net-destroy', net)
    await expect(page.locator(`#net-${net}`)).toHaveAttribute('data-active', 'false')
  } finally {
    removeDomain(uri(), vm)
    removeNetwork(uri(), net)
  }
  await expect(page.locator(`#node-${vm}`)).toHaveCount(0)
  await expect(page.locator(`#net-${net}`)).toHaveCount(0)
})

test('clicking a domain opens its details, and its actions really run', async ({ page }) => {
  const vm = 'e2e-details-vm'
  defineDomain(
    uri(),
    { name: vm, vcpus: 2, memoryMiB: 768, nics: [{ network: 'default', mac: '52:54:00:e2:e0:02' }] },
    true,
  )
  try {
    await openTopology(page)
    await page.locator(`#node-${vm}`).click()
    const panel = page.locator('#details-panel')
    await expect(panel).toBeVisible()
    await expect(panel).toHaveAttribute('data-name', vm)
    const info = virsh('dominfo', vm)
    expect(info).toMatch(/CPU\(s\):\s+2/)
    await expect(page.locator('#details-vcpus')).toHaveText('2')
    await expect(page.locator('#details-memory')).toContainText('768')
    await expect(page.locator('#details-nics')).toContainText('52:54:00:e2:e0:02')
    await expect(page.locator('#details-nics')).toContainText('default')

    await page.locator('#details-forceOff').click()
    await page.locator('#force-off-yes').click() // it asks first (vm-actions.spec.ts tests the question)
    await expect(page.locator(`#node-${vm}-state`)).toHaveAttribute('data-state', 'shutoff')
    expect(virsh('domstate', vm).trim()).toBe('shut off')
    await page.locator('#details-start').click()
    await expect(page.locator(`#node-${vm}-state`)).toHaveAttribute('data-state', 'running')
    expect(virsh('domstate', vm).trim()).toBe('running')
    await page.locator('#details-shutdown').click()
    await expect(page.locator(`#node-${vm}-state`)).toHaveAttribute('data-state', 'shutoff')
    expect(virsh('domstate', vm).trim()).toBe('shut off')

    // A network's details.
    await page.locator('#net-default').click()
    await expect(panel).toHaveAttribute('data-kind', 'network')
    await expect(page.locator('#details-dhcp')).toContainText('192.168.122.2')
    await expect(page.locator('#details-attached')).toContainText(vm)
    await page.locator('#details-close').click()
    await expect(panel).toHaveCount(0)
  } finally {
    removeDomain(uri(), vm)
  }
})

test('every box is reachable with the keyboard, in the diagram and in the list view', async ({ page }) => {
  await openTopology(page)
  // Tab from the top of the page until the test domain's box has focus.
  let reached = false
  for (let i = 0; i < 80 && !reached; i++) {
    await page.keyboard.press('Tab')
    reached = await page.evaluate(() => document.activeElement?.id === 'node-test')
  }
  expect(reached).toBe(true)
  await page.keyboard.press('Enter')
  await expect(page.locator('#details-panel')).toHaveAttribute('data-name', 'test')
  await page.keyboard.press('Escape')
  await expect(page.locator('#details-panel')).toHaveCount(0)
  await page.locator('#net-default').focus()
  await page.keyboard.press(' ')
  await expect(page.locator('#details-panel')).toHaveAttribute('data-name', 'default')
  await page.keyboard.press('Escape')

  await page.locator('#topology-view-list').focus()
  await page.keyboard.press('Enter')
  await expect(page.locator('#topology-list')).toBeVisible()
  await page.locator('#list-node-test').focus()
  await page.keyboard.press('Enter')
  await expect(page.locator('#details-panel')).toHaveAttribute('data-name', 'test')
  // Focus moved into the panel: its close button.
  await expect(page.locator('#details-close')).toBeFocused()
})

test('a small lab-like host, for the README screenshot', async ({ page }) => {
  const nets = ['stacklab-mgmt', 'stacklab-data']
  const vms = ['controller', 'compute1', 'compute2', 'storage1']
  const mac = (vm: number, nic: number) => `52:54:00:5c:${vm}${nic}:0${vm}`
  try {
    defineNetwork(uri(), {
      name: 'stacklab-mgmt',
      prefix: '10.20.0',
      mode: 'isolated',
      bridge: 'virbr20',
      hosts: vms.map((name, i) => ({ mac: mac(i, 1), name, ip: `10.20.0.${11 + i}` })),
    })
    defineNetwork(uri(), { name: 'stacklab-data', prefix: '10.30.0', mode: 'isolated', bridge: 'virbr30' })
    vms.forEach((name, i) =>
      defineDomain(
        uri(),
        {
          name,
          vcpus: i === 0 ? 4 : 2,
          memoryMiB: i === 0 ? 8192 : 4096,
          nics: [
            ...(i < 2 ? [{ network: 'default', mac: mac(i, 0) }] : []),
            { network: 'stacklab-mgmt', mac: mac(i, 1) },
            ...(i < 3 ? [{ network: 'stacklab-data', mac: mac(i, 2) }] : []),
          ],
        },
        i < 3,
      ),
    )
    virsh('suspend', 'compute2')
    await page.setViewportSize({ width: 1440, height: 900 })
    await openTopology(page)
    for (const vm of vms) await expect(page.locator(`#node-${vm}`)).toBeVisible()
    await expect(page.locator('#node-controller')).toContainText('10.20.0.11')
    await expect(page.locator('#node-compute2-state')).toHaveAttribute('data-state', 'paused')
    await expect(page.locator('#node-storage1-state')).toHaveAttribute('data-state', 'shutoff')
    await page.locator('#node-controller').click()
    await expect(page.locator('#details-panel')).toHaveAttribute('data-name', 'controller')
    await expect(page.locator('#topology-graph')).toHaveAttribute('data-layout', 'done')
    await page.screenshot({ path: README_SCREENSHOT })
  } finally {
    for (const vm of vms) removeDomain(uri(), vm)
    for (const net of nets) removeNetwork(uri(), net)
  }
})
