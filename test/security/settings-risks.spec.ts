// Issue #11, items 1 and 9, in the Settings page of a real browser against the real browser host: a URI that
// starts a program is refused as you type, naming the part; a change that lowers trust opens a dialog that
// names each risk (in English and Korean) and is saved only when the user accepts, never when they cancel.
import { expect, test } from '@playwright/test'
import { engineCall, url } from '../e2e/engine'

test('the Settings page refuses unsafe URIs and asks before lowering trust', async ({ page }) => {
  const before = await engineCall('settings.get', {})
  expect(before.templateUnsigned).toBe(false)
  await page.goto(url())
  await page.locator('#nav-settings').click()
  const uriField = page.locator('#settings-uri')

  // A URI that makes libvirt start a program: named as you type, and nothing can be saved.
  await uriField.fill('qemu+ext:///system?command=/tmp/evil')
  await expect(page.locator('#settings-uri-help')).toContainText('transport "ext" is not allowed')
  await expect(page.locator('#settings-save')).toBeDisabled()
  await uriField.fill('qemu+ssh://h/system?%63ommand=/tmp/evil')
  await expect(page.locator('#settings-uri-help')).toContainText('query parameter "command"')
  await expect(page.locator('#settings-save')).toBeDisabled()

  // A remote connection: the dialog names it; cancelling saves nothing.
  await uriField.fill('qemu+ssh://nobody@127.0.0.1:1/system')
  await page.locator('#settings-save').click()
  await expect(page.locator('#settings-risks')).toBeVisible()
  await expect(page.locator('#settings-risk-remote-connection')).toContainText('A remote connection.')
  await page.locator('#settings-risks-no').click()
  await expect(page.locator('#settings-status')).toHaveText('Not saved')
  expect((await engineCall('settings.get', {})).connectionUri).toBe(before.connectionUri)
  await uriField.fill(before.connectionUri)

  // An unsigned mirror, in Korean: the risk in Korean; cancel, then accept.
  await page.locator('#lang-select').selectOption('ko')
  await page.locator('#settings-template-unsigned').check()
  await page.locator('#settings-save').click()
  await expect(page.locator('#settings-risk-unsigned-templates')).toContainText('서명되지 않은 템플릿')
  await expect(page.locator('#settings-risks-yes')).toHaveText('위험을 받아들이고 저장')
  await page.locator('#settings-risks-no').click()
  expect((await engineCall('settings.get', {})).templateUnsigned).toBe(false)
  await page.locator('#lang-select').selectOption('en')
  await page.locator('#settings-save').click()
  await expect(page.locator('#settings-risk-unsigned-templates')).toContainText(
    'virt-builder will not check template signatures',
  )
  await page.locator('#settings-risks-yes').click()
  await expect(page.locator('#settings-status')).toHaveText('Saved')
  expect((await engineCall('settings.get', {})).templateUnsigned).toBe(true)

  // Back to where it was (making it safer needs no confirmation).
  await engineCall('settings.update', { templateUnsigned: false })
})
