// A host with VMs made by other tools, in a real browser against the real engine on libvirt's test driver:
// one domain Stacklab cannot use among normal ones shows marked (its error, its raw XML) while the others
// show in full; a bridge NIC on a host bridge no libvirt network owns gets a host-bridge box; odd names
// (a quote) work from the details panel; deleting a VM says which disks it kept and why.
import { expect, test, type Page } from '@playwright/test'
import { removeDomain, virsh } from './libvirt'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const url = () => process.env['STACKLAB_URL']!

/** A domain defined with real virsh from XML, as another tool would (names escaped for XML). */
function define(name: string, devices: string): void {
  const esc = name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;')
  const dir = mkdtempSync(join(tmpdir(), 'stacklab-e2e-'))
  try {
    const file = join(dir, 'd.xml')
    writeFileSync(
      file,
      `<domain type='test'><name>${esc}</name><memory unit='MiB'>256</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices>${devices}</devices></domain>`,
    )
    virsh('define', '--file', file)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The UUID of the domain with exactly this name (virsh itself would read `1` as an ID), or null. */
const uuidOf = (name: string): string | null =>
  virsh('list', '--all', '--uuid', '--name')
    .split('\n')
    .find((l) => l.slice(37) === name)
    ?.slice(0, 36) ?? null

/** Remove a domain this test defined, by UUID; quiet when it is gone already. */
const cleanup = (name: string) => {
  const uuid = uuidOf(name)
  if (uuid) removeDomain(process.env['STACKLAB_TEST_URI']!, uuid)
}

/** `#node-NAME` for any name: an attribute selector, quoted. */
const box = (page: Page, prefix: string, name: string) =>
  page.locator(`[id="${prefix}${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"]`)

// Longer than the 1024 characters Stacklab refers to: libvirt's test driver takes it, Stacklab cannot use
// the name in a call, so the engine shows the domain marked instead of acting on it.
const LONG = `e2e-long-${'n'.repeat(1100)}`
const NORMAL = ['e2e-any-a', 'e2e-any-b']
const QUOTED = "e2e Bob's VM"

test('a domain Stacklab cannot use shows marked among the normal ones, with its error and raw XML', async ({
  page,
}) => {
  try {
    define(
      NORMAL[0]!,
      `<interface type='network'><mac address='52:54:00:e2:a0:01'/><source network='default'/></interface>`,
    )
    define(
      NORMAL[1]!,
      `<interface type='bridge'><mac address='52:54:00:e2:a0:02'/><source bridge='br-e2e'/></interface>` +
        `<interface type='direct'><mac address='52:54:00:e2:a0:03'/><source dev='eth0' mode='bridge'/></interface>`,
    )
    define(
      LONG,
      `<interface type='network'><mac address='52:54:00:e2:a0:04'/><source network='default'/></interface>`,
    )
    await page.goto(url())
    await expect(page.locator('#topology-graph')).toHaveAttribute('data-layout', 'done')
    for (const name of NORMAL) {
      await expect(box(page, 'node-', name)).toBeVisible()
      await expect(box(page, 'node-', name)).toHaveAttribute('data-problem', 'false')
    }
    await expect(page.locator('#node-test')).toHaveAttribute('data-problem', 'false')
    const long = box(page, 'node-', LONG)
    await expect(long).toBeVisible()
    await expect(long).toHaveAttribute('data-problem', 'true')
    await expect(box(page, `node-`, `${LONG}-problem`)).toBeVisible()

    // A host bridge no libvirt network owns: a box of its own, joined to the VM.
    await expect(page.locator('[id="bridge-br-e2e"]')).toBeVisible()
    await expect(page.locator(`[data-id="e:/br-e2e:${NORMAL[1]}"]`)).toHaveCount(1)
    await expect(page.locator(`[data-id="e:default:${NORMAL[0]}"]`)).toHaveCount(1)

    // The marked one: its error, and libvirt's XML of it, read-only.
    await long.click()
    await expect(page.locator('#details-problem')).toContainText('at most 1024 characters')
    await page.locator('#details-problem-raw').click()
    const text = page.locator('#raw-xml-text')
    await expect(text).toHaveValue(new RegExp(`<uuid>${uuidOf(LONG)!}</uuid>`))
    expect(await text.getAttribute('readonly')).not.toBeNull()
    await page.locator('#raw-xml-close').click()
    await expect(page.locator('#raw-xml-dialog')).toHaveCount(0)

    // A normal one in full: each interface with its kind and what it connects to.
    await box(page, 'node-', NORMAL[1]!).click()
    await expect(page.locator('#details-problem')).toHaveCount(0)
    await expect(page.locator('#details-nics tr[data-type="bridge"]')).toContainText('br-e2e')
    await expect(page.locator('#details-nics tr[data-type="direct"]')).toContainText('eth0 (bridge)')
  } finally {
    for (const name of [...NORMAL, LONG]) cleanup(name)
  }
  await expect(box(page, 'node-', LONG)).toHaveCount(0)
})

test('a VM with a quote in its name is started and deleted from its details; kept disks are listed', async ({
  page,
}) => {
  define(
    QUOTED,
    `<disk type='file' device='disk'><source file='/guest/someone-elses.qcow2'/><target dev='vda' bus='virtio'/></disk>` +
      `<interface type='network'><mac address='52:54:00:e2:a0:05'/><source network='default'/></interface>`,
  )
  try {
    await page.goto(url())
    const vm = box(page, 'node-', QUOTED)
    await expect(vm).toBeVisible()
    await vm.click()
    await page.locator('#details-start').click()
    await expect(box(page, 'node-', `${QUOTED}-state`)).toHaveAttribute('data-state', 'running')
    expect(virsh('domstate', '--domain', uuidOf(QUOTED)!).trim()).toBe('running')
    await page.locator('#details-delete').click()
    await page.locator('#delete-with-disks').check()
    await page.locator('#delete-domain-yes').click()
    await expect(vm).toHaveCount(0)
    const kept = page.locator('#topology-deleted-kept li')
    await expect(kept).toHaveCount(1)
    await expect(kept).toHaveAttribute('data-reason', 'not-made-by-stacklab')
    await expect(kept).toContainText('/guest/someone-elses.qcow2')
    expect(virsh('list', '--all', '--name')).not.toContain(QUOTED)
  } finally {
    cleanup(QUOTED)
  }
})
