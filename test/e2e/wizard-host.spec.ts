// The lab wizard knows the host, in a real browser against the real engine (libvirt's test driver): a
// network and a VM defined with virsh beside the app (`lab1-int` on 192.168.90.0/24, `lab1-controller`)
// are refused on their fields before any job starts, with free values the user takes with one click; the
// engine's validate says the same of both drafts; the host changing while the wizard is open is seen at
// once; an address the host's NAT network keeps for another machine is refused with a free one to take;
// the fields of a row stay aligned when one of them shows a problem; the only controller is not
// offered for removal.
import { mkdirSync } from 'node:fs'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { parse as parseYaml } from 'yaml'
import { engineCall, url } from './engine'
import { defineDomain, defineNetwork, removeDomain, removeNetwork, virsh } from './libvirt'

const uri = () => process.env['STACKLAB_TEST_URI']!
const LATER_NET = 'e2e-wiz-later'
const KEPT = "<host mac='52:54:00:e2:90:aa' name='printer' ip='192.168.122.100'/>"

test.afterEach(() => {
  removeDomain(uri(), 'lab1-controller')
  removeNetwork(uri(), 'lab1-int')
  removeNetwork(uri(), LATER_NET)
  if (virsh('net-dumpxml', 'default').includes('52:54:00:e2:90:aa'))
    virsh('net-update', 'default', 'delete', 'ip-dhcp-host', KEPT, '--live', '--config')
})

/** The draft as the wizard holds it, read back through its own YAML export. */
async function draftOf(page: Page): Promise<unknown> {
  const panel = page.locator('#wizard-yaml-panel')
  if ((await panel.getAttribute('open')) === null) await page.click('#wizard-yaml-panel summary')
  await page.click('#wizard-yaml-export')
  return parseYaml(await page.locator('#wizard-yaml').inputValue())
}

/** Where a field's box is: its top and height (the fields of a row share both when they are aligned). */
async function box(locator: Locator) {
  const b = await locator.boundingBox()
  expect(b).not.toBeNull()
  return { top: Math.round(b!.y), height: Math.round(b!.height) }
}

/** The fields by row, as the page lays them out now (the same top). */
async function rowsOf(page: Page, ids: string[]): Promise<string[][]> {
  const rows = new Map<number, string[]>()
  for (const id of ids) {
    const { top } = await box(page.locator(`#${id}`))
    rows.set(top, [...(rows.get(top) ?? []), id])
  }
  return [...rows.values()]
}

/** Each row's fields still share their top and height. */
async function expectAligned(page: Page, rows: string[][]) {
  for (const ids of rows) {
    const boxes = await Promise.all(ids.map((id) => box(page.locator(`#${id}`))))
    expect(boxes, `fields ${ids.join(', ')} share their top and height`).toEqual(ids.map(() => boxes[0]))
  }
}

const NODE_FIELDS = ['name', 'role', 'vcpus', 'memory', 'disk', 'data-disk']
const fieldsOf = (node: number) => [
  ...NODE_FIELDS.map((f) => `wizard-node-${node}-${f}`),
  `wizard-node-${node}-nic-0-ip`,
  `wizard-node-${node}-nic-1-ip`,
]

test('a name and a subnet the host has are refused before any job, with a free one to take', async ({
  page,
}) => {
  defineNetwork(uri(), { name: 'lab1-int', prefix: '192.168.90', mode: 'isolated', bridge: 'virbr90' })
  defineDomain(uri(), { name: 'lab1-controller', nics: [{ network: 'default', mac: '52:54:00:e2:90:01' }] })
  const jobsBefore = (await engineCall('jobs.list', {})).length

  await page.goto(url())
  await page.click('#nav-wizard')
  await page.click('#wizard-reset')
  await expect(page.locator('#wizard-name')).toHaveValue('lab1')
  // Each clash on its field, and no create: the plan does not call them new.
  await expect(page.locator('#wizard-error-networks-1-name')).toHaveText(
    "a network named lab1-int already exists on this host and is not this lab's",
  )
  await expect(page.locator('#wizard-error-nodes-0-name')).toHaveText(
    "a VM named lab1-controller already exists on this host and is not this lab's",
  )
  await expect(page.locator('#wizard-node-0-name')).toHaveAttribute('aria-invalid', 'true')
  await expect(page.locator('#wizard-create')).toBeDisabled()
  await expect(page.locator('#wizard-plan')).toHaveAttribute('data-valid', 'false')
  await expect(page.locator('#wizard-plan-network-lab1-int')).toHaveCount(0)
  // The engine's validate finds the same on the same draft (one rule, used by both).
  const refused = await engineCall('lab.validate', { definition: await draftOf(page) })
  expect(refused.ok).toBe(false)
  expect(refused.issues.map((i) => i.path).sort()).toEqual(['networks.1.name', 'nodes.0.name'])

  // The rows stay aligned with a problem under one field: name and role, the NIC addresses.
  await expectAligned(page, [
    ['wizard-node-0-name', 'wizard-node-0-role'],
    ['wizard-node-0-nic-0-ip', 'wizard-node-0-nic-1-ip'],
  ])
  mkdirSync('test-results/screenshots', { recursive: true })
  await page.screenshot({ path: 'test-results/screenshots/wizard-host-clash.png', fullPage: true })

  // Free values, each one click: a node name, and a lab name (its VMs and its network follow it).
  await expect(page.locator('#wizard-take-nodes-0-name')).toHaveText('Use controller2 (free on this host)')
  await expect(page.locator('#wizard-take-name')).toHaveText('Use lab2 (free on this host)')
  await page.click('#wizard-take-name')
  await expect(page.locator('#wizard-name')).toHaveValue('lab2')
  await expect(page.locator('#wizard-error-networks-1-name')).toHaveCount(0)
  await expect(page.locator('#wizard-error-nodes-0-name')).toHaveCount(0)
  await expect(page.locator('#wizard-node-0-vm')).toHaveText('lab2-controller')
  // lab2-int is free, its subnet is not: the subnet is refused now, with the next free one to take.
  await expect(page.locator('#wizard-error-networks-1-subnet')).toHaveText(
    '192.168.90.0/24 overlaps 192.168.90.0/24 of network lab1-int on this host',
  )
  await expect(page.locator('#wizard-network-1-subnet')).toHaveAttribute('aria-invalid', 'true')
  await expect(page.locator('#wizard-create')).toBeDisabled()
  await expect(page.locator('#wizard-take-networks-1-subnet')).toHaveText(
    'Use 192.168.91.0/24 (free on this host)',
  )
  await page.click('#wizard-take-networks-1-subnet')
  await expect(page.locator('#wizard-network-1-subnet')).toHaveValue('192.168.91.0/24')
  await expect(page.locator('#wizard-node-0-nic-1-ip')).toHaveValue('192.168.91.100')
  await expect(page.locator('#wizard-node-1-nic-1-ip')).toHaveValue('192.168.91.110')

  // The plan is valid, names what will really be new, and the engine agrees.
  await expect(page.locator('#wizard-error-networks-1-subnet')).toHaveCount(0)
  await expect(page.locator('#wizard-plan')).toHaveAttribute('data-valid', 'true')
  await expect(page.locator('#wizard-plan-network-lab2-int')).toContainText(
    'new internal network 192.168.91.0/24',
  )
  await expect(page.locator('#wizard-plan-domain-lab2-controller')).toBeVisible()
  await expect(page.locator('#wizard-create')).toBeEnabled()
  expect(await engineCall('lab.validate', { definition: await draftOf(page) })).toMatchObject({
    ok: true,
    issues: [],
  })

  // The host changes while the wizard is open: a network on 192.168.91.0/24 appears, and the field says so.
  defineNetwork(uri(), { name: LATER_NET, prefix: '192.168.91', mode: 'isolated', bridge: 'virbr91' })
  await expect(page.locator('#wizard-error-networks-1-subnet')).toHaveText(
    `192.168.91.0/24 overlaps 192.168.91.0/24 of network ${LATER_NET} on this host`,
  )
  await expect(page.locator('#wizard-create')).toBeDisabled()
  await expect(page.locator('#wizard-take-networks-1-subnet')).toHaveText(
    'Use 192.168.92.0/24 (free on this host)',
  )
  // The offer in Korean too.
  await page.selectOption('#lang-select', 'ko')
  await expect(page.locator('#wizard-take-networks-1-subnet')).toHaveText(
    '192.168.92.0/24 사용 (이 호스트에서 비어 있음)',
  )
  await page.selectOption('#lang-select', 'en')
  removeNetwork(uri(), LATER_NET)
  await expect(page.locator('#wizard-error-networks-1-subnet')).toHaveCount(0)
  await expect(page.locator('#wizard-create')).toBeEnabled()

  // Nothing was started: every refusal came before a job.
  expect((await engineCall('jobs.list', {})).length).toBe(jobsBefore)
})

test("an address the host's network keeps for another machine is refused, with a free one", async ({
  page,
}) => {
  virsh('net-update', 'default', 'add', 'ip-dhcp-host', KEPT, '--live', '--config')
  await page.goto(url())
  await page.click('#nav-wizard')
  await page.click('#wizard-reset')
  await expect(page.locator('#wizard-error-nodes-0-nics-0-ip')).toHaveText(
    "192.168.122.100 is kept on default for printer (a fixed DHCP address of the host's network)",
  )
  await expect(page.locator('#wizard-node-0-nic-0-ip')).toHaveAttribute('aria-invalid', 'true')
  await expect(page.locator('#wizard-create')).toBeDisabled()
  await page.click('#wizard-take-nodes-0-nics-0-ip')
  await expect(page.locator('#wizard-node-0-nic-0-ip')).toHaveValue('192.168.122.101')
  await expect(page.locator('#wizard-error-nodes-0-nics-0-ip')).toHaveCount(0)
  await expect(page.locator('#wizard-create')).toBeEnabled()
  await expect(page.locator('#wizard-plan-domain-lab1-controller')).toContainText('192.168.122.101 (default)')
  expect(await engineCall('lab.validate', { definition: await draftOf(page) })).toMatchObject({ ok: true })
})

test('the fields of a row stay aligned when one shows a problem', async ({ page }) => {
  await page.goto(url())
  await page.click('#nav-wizard')
  await page.click('#wizard-reset')
  // The rows as laid out with no problem anywhere: several fields share each.
  const rows = [...(await rowsOf(page, fieldsOf(0))), ...(await rowsOf(page, fieldsOf(1)))]
  expect(rows.flat()).toHaveLength(16)
  expect(rows.filter((r) => r.length >= 2).length).toBeGreaterThanOrEqual(4)
  // A long problem under one field of a row (memory), then under others (vCPUs, disk, an address): every
  // row keeps its fields on one line, of one height.
  await page.fill('#wizard-node-0-memory', '1024')
  await expect(page.locator('#wizard-error-nodes-0-memoryMiB')).toBeVisible()
  await expectAligned(page, rows)
  await page.fill('#wizard-node-0-vcpus', '0')
  await expect(page.locator('#wizard-error-nodes-0-vcpus')).toBeVisible()
  await expectAligned(page, rows)
  await page.fill('#wizard-node-0-disk', '1')
  await expect(page.locator('#wizard-error-nodes-0-diskGiB')).toBeVisible()
  await expectAligned(page, rows)
  await page.fill('#wizard-node-1-nic-1-ip', '10.9.9.9')
  await expect(page.locator('#wizard-error-nodes-1-nics-1-ip')).toBeVisible()
  await page.fill('#wizard-node-1-name', 'Compute_1')
  await expect(page.locator('#wizard-error-nodes-1-name')).toBeVisible()
  await expectAligned(page, rows)
  mkdirSync('test-results/screenshots', { recursive: true })
  await page.screenshot({ path: 'test-results/screenshots/wizard-aligned.png', fullPage: true })
})

test('the only controller is not offered for removal', async ({ page }) => {
  await page.goto(url())
  await page.click('#nav-wizard')
  await page.click('#wizard-reset')
  await expect(page.locator('#wizard-node-0-role')).toHaveValue('controller')
  await expect(page.locator('#wizard-node-0-remove')).toHaveCount(0)
  await expect(page.locator('#wizard-node-1-remove')).toBeEnabled()
  // A second controller (refused on its role) can be removed, and so can either of the two.
  await page.selectOption('#wizard-node-1-role', 'controller')
  await expect(page.locator('#wizard-error-nodes-1-role')).toBeVisible()
  await expect(page.locator('#wizard-node-0-remove')).toBeEnabled()
  await page.click('#wizard-node-1-remove')
  await expect(page.locator('#wizard-node-1')).toHaveCount(0)
  await expect(page.locator('#wizard-node-0-remove')).toHaveCount(0)
  // A compute node added beside it can be removed; the controller still cannot.
  await page.click('#wizard-add-compute')
  await expect(page.locator('#wizard-node-1-remove')).toBeEnabled()
  await expect(page.locator('#wizard-node-0-remove')).toHaveCount(0)
  await expect(page.locator('#wizard-create')).toBeEnabled()
})
