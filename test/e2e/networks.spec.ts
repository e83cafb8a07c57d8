// The networks page in a real browser against the real engine: a DHCP range edit and static hosts added
// and removed must land in libvirt's own network XML (read back with virsh), and bad input must be
// refused on its field before anything changes.
import { expect, test, type Page } from '@playwright/test'
import { defineNetwork, removeNetwork, virsh } from './libvirt'

const url = () => process.env['STACKLAB_URL']!
const uri = () => process.env['STACKLAB_TEST_URI']!
const NET = 'e2e-netpage'

async function openNetwork(page: Page) {
  await page.goto(url())
  await page.locator('#nav-networks').click()
  await page.locator(`#network-row-${NET}`).click()
  await expect(page.locator('#network-editor')).toHaveAttribute('data-name', NET)
}

test.beforeEach(() => {
  removeNetwork(uri(), NET)
  defineNetwork(uri(), {
    name: NET,
    prefix: '192.168.152',
    mode: 'isolated',
    bridge: 'virbr152',
    dhcp: { start: '192.168.152.100', end: '192.168.152.200' },
  })
})
test.afterEach(() => removeNetwork(uri(), NET))

test('editing the DHCP range and static hosts changes the network in libvirt', async ({ page }) => {
  await openNetwork(page)
  await expect(page.locator('#network-dhcp-current')).toHaveText('192.168.152.100 – 192.168.152.200')
  await page.locator('#network-dhcp-start').fill('192.168.152.50')
  await page.locator('#network-dhcp-end').fill('192.168.152.90')
  await page.locator('#network-dhcp-save').click()
  await expect(page.locator('#network-dhcp-current')).toHaveText('192.168.152.50 – 192.168.152.90')
  let xml = virsh('net-dumpxml', NET)
  expect(xml).toContain("<range start='192.168.152.50' end='192.168.152.90'")
  expect(xml).not.toContain('192.168.152.100')

  await page.locator('#network-host-name').fill('compute9')
  await page.locator('#network-host-mac').fill('52:54:00:aa:bb:09')
  await page.locator('#network-host-ip').fill('192.168.152.20')
  await page.locator('#network-host-add').click()
  await expect(page.locator('#static-host-52-54-00-aa-bb-09')).toContainText('compute9')
  xml = virsh('net-dumpxml', NET)
  expect(xml).toMatch(/<host mac='52:54:00:aa:bb:09' name='compute9' ip='192.168.152.20'\/>/)

  await page.locator('#static-host-52-54-00-aa-bb-09-remove').click()
  await expect(page.locator('#static-host-52-54-00-aa-bb-09')).toHaveCount(0)
  expect(virsh('net-dumpxml', NET)).not.toContain('52:54:00:aa:bb:09')

  // Stop and start, and the leases the test driver cannot give.
  await page.locator('#network-stop').click()
  await expect(page.locator('#network-start')).toBeVisible()
  expect(virsh('net-info', NET)).toMatch(/Active:\s+no/)
  await page.locator('#network-start').click()
  await expect(page.locator('#network-stop')).toBeVisible()
  expect(virsh('net-info', NET)).toMatch(/Active:\s+yes/)
  expect(() => virsh('net-dhcp-leases', NET)).toThrow(/not supported/)
  await expect(page.locator('#network-leases-unsupported')).toBeVisible()
})

test('a bad address is refused on its field and nothing changes', async ({ page }) => {
  await openNetwork(page)
  const before = virsh('net-dumpxml', NET)

  // Not an address at all: the shared schema, in the page.
  await page.locator('#network-dhcp-start').fill('192.168.152.300')
  await page.locator('#network-dhcp-save').click()
  await expect(page.locator('#network-dhcp-start-error')).toContainText('IPv4')
  await expect(page.locator('#network-dhcp-start')).toHaveAttribute('aria-invalid', 'true')
  await expect(page.locator('#network-dhcp-end-error')).toHaveCount(0)
  // An address of another subnet.
  await page.locator('#network-dhcp-start').fill('10.0.0.5')
  await page.locator('#network-dhcp-save').click()
  await expect(page.locator('#network-dhcp-start-error')).toContainText('outside')
  // A MAC in the wrong form, and a host name with capitals.
  await page.locator('#network-host-name').fill('Compute_9')
  await page.locator('#network-host-mac').fill('52-54-00-aa-bb-0z')
  await page.locator('#network-host-ip').fill('192.168.152.21')
  await page.locator('#network-host-add').click()
  await expect(page.locator('#network-host-mac-error')).toContainText('MAC')
  await expect(page.locator('#network-host-name-error')).toBeVisible()
  await expect(page.locator('#network-host-ip-error')).toHaveCount(0)
  // Well formed but refused by the engine: the address is inside the DHCP range. Its error names the field.
  await page.locator('#network-host-name').fill('compute9')
  await page.locator('#network-host-mac').fill('52:54:00:aa:bb:09')
  await page.locator('#network-host-ip').fill('192.168.152.150')
  await page.locator('#network-host-add').click()
  await expect(page.locator('#network-host-ip-error')).toContainText('inside the DHCP range')
  await expect(page.locator('#network-hosts-engine-error')).toContainText('host.ip')

  expect(virsh('net-dumpxml', NET)).toBe(before)
})
