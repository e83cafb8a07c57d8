// Checkpoints in a real browser against the real engine: VMs defined and started in libvirt's test driver
// with virsh, a lab checkpoint taken in the page, the VMs changed, the checkpoint restored after the
// confirmation (which names the VMs, the time and the newer checkpoint that stays), each step checked with
// virsh; per-VM snapshot trees with the current one marked; delete.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { url, virsh } from './engine'

const VMS = ['cpt-ctl', 'cpt-cmp']
let dir: string

function domainXml(name: string): string {
  return `<domain type='test'>
  <name>${name}</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices><disk type='file' device='disk'><source file='/guest/${name}.qcow2'/><target dev='vda'/></disk></devices>
</domain>`
}

const domstate = (vm: string) => virsh('domstate', vm).trim()
const current = (vm: string) => virsh('snapshot-current', vm, '--name').trim()
const snapshots = (vm: string) => virsh('snapshot-list', vm, '--name').trim().split('\n').filter(Boolean)

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stacklab-cp-'))
  for (const vm of VMS) {
    const file = join(dir, `${vm}.xml`)
    writeFileSync(file, domainXml(vm))
    virsh('define', file)
    virsh('start', vm)
  }
})

test.afterAll(() => {
  for (const vm of VMS) {
    try {
      virsh('destroy', vm)
    } catch {
      /* already off */
    }
    virsh('undefine', vm, '--snapshots-metadata')
  }
  rmSync(dir, { recursive: true, force: true })
})

test('take a lab checkpoint, change the VMs, restore it after the confirmation, delete', async ({ page }) => {
  await page.goto(url())
  await page.click('#nav-checkpoints')
  await page.selectOption('#checkpoints-scope', '(custom)')
  for (const vm of VMS) await page.check(`#checkpoints-domain-${vm}`)
  await expect(page.locator('#checkpoints-empty')).toBeVisible()

  // Take one over both VMs: libvirt holds a snapshot of that name on each.
  await page.fill('#checkpoint-new-name', 'bad name')
  await expect(page.locator('#checkpoint-create')).toBeDisabled()
  await page.fill('#checkpoint-new-name', 'before-change')
  await page.fill('#checkpoint-new-description', 'both running')
  await page.click('#checkpoint-create')
  await expect(page.locator('#checkpoint-before-change')).toContainText('cpt-ctl: Running')
  for (const vm of VMS) {
    expect(snapshots(vm)).toEqual(['before-change'])
    expect(current(vm)).toBe('before-change')
    await expect(page.locator(`#snapshot-${vm}-before-change`)).toHaveAttribute('data-current', 'true')
  }

  // Change the lab: one VM off, then a second checkpoint of that state.
  virsh('destroy', 'cpt-cmp')
  expect(domstate('cpt-cmp')).toBe('shut off')
  await page.fill('#checkpoint-new-name', 'after-change')
  await page.click('#checkpoint-create')
  await expect(page.locator('#checkpoint-after-change')).toContainText('cpt-cmp: Shut off')
  expect(current('cpt-cmp')).toBe('after-change')

  // Restore the first: the dialog says what is lost and what stays; cancelling changes nothing.
  await page.click('#checkpoint-before-change-restore')
  const dialog = page.locator('#confirm-restore')
  await expect(dialog).toBeVisible()
  await expect(page.locator('#confirm-restore-lost')).toContainText('cpt-ctl, cpt-cmp')
  await expect(page.locator('#confirm-restore-lost')).toContainText('is lost')
  await expect(page.locator('#confirm-restore-kept')).toContainText('after-change')
  mkdirSync('test-results/screenshots', { recursive: true })
  await page.screenshot({ path: 'test-results/screenshots/checkpoints-confirm.png' })
  await page.click('#confirm-restore-no')
  await expect(dialog).toHaveCount(0)
  expect(domstate('cpt-cmp')).toBe('shut off')
  expect(current('cpt-cmp')).toBe('after-change')

  await page.click('#checkpoint-before-change-restore')
  await page.click('#confirm-restore-yes')
  await expect(page.locator('#snapshot-cpt-cmp-before-change')).toHaveAttribute('data-current', 'true')
  await expect(page.locator('#snapshot-cpt-cmp-after-change')).toHaveAttribute('data-current', 'false')
  for (const vm of VMS) {
    expect(domstate(vm)).toBe('running')
    expect(current(vm)).toBe('before-change')
  }

  // A VM's own snapshot hangs under the current one in its tree.
  await page.fill('#snapshot-cpt-ctl-new-name', 'solo')
  await page.click('#snapshot-cpt-ctl-create')
  await expect(page.locator('#snapshot-cpt-ctl-solo')).toHaveAttribute('data-current', 'true')
  expect(virsh('snapshot-parent', 'cpt-ctl', 'solo').trim()).toBe('before-change')
  await expect(
    page.locator('#snapshots-cpt-ctl li:has(> #snapshot-cpt-ctl-before-change) #snapshot-cpt-ctl-solo'),
  ).toBeVisible()
  await page.screenshot({ path: 'test-results/screenshots/checkpoints.png', fullPage: true })

  // Delete: gone from the page and from libvirt, on every VM.
  await page.click('#checkpoint-after-change-delete')
  await expect(page.locator('#checkpoint-after-change')).toHaveCount(0)
  for (const vm of VMS) expect(snapshots(vm)).not.toContain('after-change')
  await page.click('#snapshot-cpt-ctl-solo-delete')
  await expect(page.locator('#snapshot-cpt-ctl-solo')).toHaveCount(0)
  expect(snapshots('cpt-ctl')).toEqual(['before-change'])
})
