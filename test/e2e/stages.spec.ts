// The Install page of a lab that installs OpenStack from Debian's own packages, in a real browser on the
// served engine: a genuine lab state on the debian-12-openstack preset whose install got through Keystone and
// failed in Glance (recorded progress, as the engine saves it). The page lists the stages with where each
// stands and how long it took, shows every config file the installer writes (read from the engine, with the
// lab's addresses and passwords), offers no packstack answer file and no packstack join, and reads in Korean.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { LabStore } from '../../src-main/engine/lab/store'
import type { LabState } from '../../src-shared/lab'
import { xdgEnv } from '../helpers'
import { readyLab } from './lab-record'

const LAB = 'webstages'
let store: LabStore

function packagesLab(): LabState {
  return readyLab(LAB, 'debian-12-openstack', {
    macs: ['52:54:00:12:34:57'],
    install: {
      answersSaved: false,
      runs: [],
      stages: {
        done: ['prepare', 'infra', 'keystone'],
        current: null,
        failed: 'glance',
        seconds: { prepare: 78, infra: 190, keystone: 260 },
      },
    },
  })
}

test.beforeAll(async () => {
  const data = join(xdgEnv(process.env['STACKLAB_TEST_XDG']!).XDG_DATA_HOME, 'stacklab')
  mkdirSync(data, { recursive: true })
  store = new LabStore(data)
  await store.save(packagesLab())
})
test.afterAll(async () => {
  await store?.remove(LAB)
})

test('lists the stages where they stand and shows every file the installer writes', async ({ page }) => {
  await page.goto(process.env['STACKLAB_URL']!)
  await page.locator('#nav-install').click()
  await page.locator('#install-lab').selectOption(LAB)
  const stages = page.locator('#install-stages > li')
  // Nine: the default Debian lab's controller has a data disk, so Cinder is a stage too (after Horizon).
  await expect(stages).toHaveCount(9)
  const state = (id: string) => page.locator(`#install-stages > li[data-stage="${id}"]`)
  await expect(state('prepare')).toHaveAttribute('data-state', 'done')
  await expect(state('keystone')).toHaveAttribute('data-state', 'done')
  await expect(state('keystone')).toContainText('260 s')
  await expect(state('glance')).toHaveAttribute('data-state', 'failed')
  await expect(state('placement')).toHaveAttribute('data-state', 'pending')
  await expect(state('horizon')).toHaveAttribute('data-state', 'pending')
  await expect(state('cinder')).toHaveAttribute('data-state', 'pending')
  await expect(stages.last()).toHaveAttribute('data-stage', 'cinder')
  await expect(page.locator('#run-heading')).toHaveText('Run the install')
  // No packstack here: no answer file. Add compute node is there; the engine refuses a node while the install
  // is part way (the stages done would not run for it); test/e2e/grow.spec.ts adds one to an installed lab.
  await expect(page.locator('#answers-heading')).toHaveCount(0)
  await expect(page.locator('#add-compute-open')).toHaveCount(1)

  // The files Keystone's stage writes, as written: the database on the controller's address, fernet tokens.
  await state('keystone').locator('summary').click()
  const conf = state('keystone').getByLabel('controller:/etc/keystone/keystone.conf')
  await expect(conf).toBeVisible()
  await expect(conf).toContainText(
    /connection = mysql\+pymysql:\/\/keystone:[A-Za-z0-9]{20}@192\.168\.122\.100\/keystone/,
  )
  await expect(conf).toContainText('provider = fernet')
  // Stages that reach the compute node show its files too: nova-compute runs guests under QEMU there.
  await state('nova').locator('summary').click()
  const computeConf = state('nova').getByLabel('compute:/etc/nova/nova-compute.conf')
  await expect(computeConf).toContainText('virt_type = qemu')
  await expect(state('nova').getByLabel('compute:/etc/nova/nova.conf')).not.toContainText('connection =')
  // Cinder's volumes go into an LVM volume group on that data disk.
  await state('cinder').locator('summary').click()
  await expect(state('cinder').getByLabel('controller:/etc/cinder/cinder.conf')).toContainText(
    'volume_group = cinder-volumes',
  )
  // The same passwords every time the page asks (kept with the lab, 0600).
  const first = await conf.textContent()
  await page.reload()
  await page.locator('#nav-install').click()
  await page.locator('#install-lab').selectOption(LAB)
  await state('keystone').locator('summary').click()
  await expect(state('keystone').getByLabel('controller:/etc/keystone/keystone.conf')).toHaveText(first!)
})

test('reads in Korean', async ({ page }) => {
  await page.goto(process.env['STACKLAB_URL']!)
  await page.evaluate(() => localStorage.setItem('stacklab.lang', 'ko'))
  await page.reload()
  await page.locator('#nav-install').click()
  await page.locator('#install-lab').selectOption(LAB)
  await expect(page.locator('#stages-heading')).toHaveText('단계')
  await expect(page.locator('#install-stages > li[data-stage="glance"]')).toContainText('실패')
  await expect(page.locator('#install-stages > li[data-stage="keystone"]')).toContainText('260초')
})
