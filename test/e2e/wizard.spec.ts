// The lab wizard in a real browser against the real engine (libvirt test driver): the seeds' default lab,
// field errors as the user types (from the engine's schema), the plan named as the engine names things,
// then create. With a template source that holds no templates, the real pipeline runs: preflight and
// networks pass, virt-builder fails at the base image, and the job page shows virt-builder's own error
// and the fix. What the run made (the internal network) is recorded; deleting the lab from the failed
// job removes exactly that, checked with virsh.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import type { Settings } from '../../src-shared/settings'
import { engineCall, url, virsh } from './engine'

let dir: string
let before: Settings

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stacklab-wizard-'))
  mkdirSync(join(dir, 'images'))
  mkdirSync(join(dir, 'templates'))
  before = await engineCall('settings.get', {})
  // Disks under a temp dir, and a template source with no templates in it: virt-builder will find none.
  await engineCall('settings.update', {
    imagesDir: join(dir, 'images'),
    templateSource: join(dir, 'templates'),
    templateUnsigned: true,
    // This side door is a browser-host caller: it names the risks these settings carry (issue #11).
    confirmRisks: ['unsigned-templates', 'template-source'],
  })
})

test.afterAll(async () => {
  await engineCall('settings.update', { ...before, confirmRisks: ['unsigned-templates', 'template-source'] })
  rmSync(dir, { recursive: true, force: true })
})

test('default lab, field errors as you type, the plan, and a create that fails for real', async ({
  page,
}) => {
  await page.goto(url())
  await page.click('#nav-wizard')
  // The seeds' lab.
  await expect(page.locator('#wizard-name')).toHaveValue('lab1')
  await expect(page.locator('#wizard-preset')).toHaveValue('centos-stream-9')
  await expect(page.locator('#wizard-release')).toHaveValue('epoxy')
  await expect(page.locator('#wizard-node-0-name')).toHaveValue('controller')
  await expect(page.locator('#wizard-node-0-nic-0-ip')).toHaveValue('192.168.122.100')
  await expect(page.locator('#wizard-node-0-nic-1-ip')).toHaveValue('192.168.90.100')
  await expect(page.locator('#wizard-node-1-nic-0-ip')).toHaveValue('192.168.122.110')
  await expect(page.locator('#wizard-node-0-memory')).toHaveValue('8192')
  await expect(page.locator('#wizard-plan-domain-lab1-controller')).toBeVisible()
  await expect(page.locator('#wizard-create')).toBeEnabled()

  // Bad input: each problem next to its field, and no create.
  await page.fill('#wizard-name', 'bad/name')
  await page.fill('#wizard-node-0-memory', '1024')
  await page.fill('#wizard-node-1-nic-1-ip', '192.168.91.110')
  await expect(page.locator('#wizard-error-name')).toContainText('no spaces, slashes or quotes')
  await expect(page.locator('#wizard-error-nodes-0-memoryMiB')).toContainText(
    '1024 MiB is too little for a controller: at least 4096 MiB',
  )
  await expect(page.locator('#wizard-error-nodes-1-nics-1-ip')).toContainText(
    '192.168.91.110 is outside 192.168.90.0/24',
  )
  await expect(page.locator('#wizard-node-0-memory')).toHaveAttribute('aria-invalid', 'true')
  await expect(page.locator('#wizard-create')).toBeDisabled()
  await expect(page.locator('#wizard-plan')).toHaveAttribute('data-valid', 'false')
  mkdirSync('test-results/screenshots', { recursive: true })
  await page.screenshot({ path: 'test-results/screenshots/wizard-errors.png', fullPage: true })

  // Fixed: the errors go, the internal network follows the lab's name, the plan lists what will be made.
  await page.fill('#wizard-name', 'e2ewiz')
  await page.fill('#wizard-node-0-memory', '6144')
  await page.fill('#wizard-node-1-nic-1-ip', '192.168.90.111')
  await expect(page.locator('#wizard-error-name')).toHaveCount(0)
  await expect(page.locator('#wizard-error-nodes-0-memoryMiB')).toHaveCount(0)
  await expect(page.locator('#wizard-error-nodes-1-nics-1-ip')).toHaveCount(0)
  await expect(page.locator('#wizard-create')).toBeEnabled()
  const plan = page.locator('#wizard-plan')
  await expect(plan).toHaveAttribute('data-valid', 'true')
  await expect(page.locator('#wizard-plan-network-e2ewiz-int')).toContainText('192.168.90.0/24')
  await expect(page.locator('#wizard-plan-network-default')).toContainText('192.168.122.0/24')
  await expect(page.locator('#wizard-plan-domain-e2ewiz-controller')).toContainText('6144 MiB')
  await expect(page.locator('#wizard-plan-domain-e2ewiz-compute')).toContainText('192.168.90.111')
  await expect(page.locator('#wizard-plan-disk-controller')).toContainText(
    `${join(dir, 'images')}/e2ewiz/controller.qcow2`,
  )
  await expect(page.locator('#wizard-plan-total')).toContainText('6 vCPUs')
  // A data disk (Cinder's, for a distribution-packages install): a bad size is refused at its field, a good
  // one is planned beside the node's disk, and clearing the field plans none.
  await expect(page.locator('#wizard-plan-data-disk-controller')).toHaveCount(0)
  await page.fill('#wizard-node-0-data-disk', '0')
  await expect(page.locator('#wizard-error-nodes-0-dataDiskGiB')).toBeVisible()
  await expect(page.locator('#wizard-create')).toBeDisabled()
  await page.fill('#wizard-node-0-data-disk', '10')
  await expect(page.locator('#wizard-error-nodes-0-dataDiskGiB')).toHaveCount(0)
  await expect(page.locator('#wizard-plan-data-disk-controller')).toContainText(
    `${join(dir, 'images')}/e2ewiz/controller.data.qcow2`,
  )
  await page.fill('#wizard-node-0-data-disk', '')
  await expect(page.locator('#wizard-plan-data-disk-controller')).toHaveCount(0)
  await expect(page.locator('#wizard-create')).toBeEnabled()
  // One base image for the template, whatever the two nodes' disk sizes.
  await expect(page.locator('#wizard-plan-base')).toHaveCount(1)
  await expect(page.locator('#wizard-plan-base code')).toHaveText(/\/stacklab-base\/[a-z0-9.-]+[^G]\.qcow2$/)
  await page.screenshot({ path: 'test-results/screenshots/wizard.png', fullPage: true })

  // The definition round-trips through YAML (what `stacklab lab create FILE` reads).
  await page.click('#wizard-yaml-panel summary')
  await page.click('#wizard-yaml-export')
  await expect(page.locator('#wizard-yaml')).toHaveValue(/name: e2ewiz/)
  await page.fill('#wizard-yaml', 'name: [unclosed')
  await page.click('#wizard-yaml-import')
  await expect(page.locator('#wizard-yaml-error')).toBeVisible()
  await expect(page.locator('#wizard-name')).toHaveValue('e2ewiz')
  // A field only YAML sets still shows its problem (listed by path), and blocks create until fixed.
  await page.click('#wizard-yaml-export')
  const exported = await page.locator('#wizard-yaml').inputValue()
  expect(exported).not.toContain('packstack')
  await page.fill('#wizard-yaml', `${exported}packstack:\n  ntpServers:\n    - "bad server!"\n`)
  await page.click('#wizard-yaml-import')
  await expect(page.locator('#wizard-error-packstack-ntpServers-0')).toContainText(
    'must be a host name or address',
  )
  await expect(page.locator('#wizard-create')).toBeDisabled()
  await page.fill('#wizard-yaml', exported)
  await page.click('#wizard-yaml-import')
  await expect(page.locator('#wizard-other-problems')).toHaveCount(0)
  await expect(page.locator('#wizard-create')).toBeEnabled()

  // Create: the user lands on the job, which runs the real pipeline.
  await page.click('#wizard-create')
  await expect(page.locator('#jobs-heading')).toBeVisible()
  const card = page.locator('li.job.selected')
  await expect(card).toBeVisible()
  const id = (await card.getAttribute('id'))!
  await expect(page.locator(`#${id}-state`)).toHaveAttribute('data-state', 'failed', { timeout: 60_000 })
  await expect(page.locator(`#${id}-step-preflight`)).toHaveAttribute('data-state', 'done')
  await expect(page.locator(`#${id}-step-networks`)).toHaveAttribute('data-state', 'done')
  await expect(page.locator(`#${id}-step-base-image`)).toHaveAttribute('data-state', 'failed')
  await expect(page.locator(`#${id}-step-disks`)).toHaveAttribute('data-state', 'pending')
  // virt-builder's own words, and what to do about them.
  await expect(page.locator(`#${id}-error`)).toContainText('virt-builder: error: cannot find os-version')
  await expect(page.locator(`#${id}-fix`)).toContainText('check the template source in Settings')
  await expect(page.locator(`#${id}-log`)).toContainText('Base image: started')
  const job = (await engineCall('jobs.list', {})).find((j) => `job-${j.id}` === id)!
  expect(job.error!.message).toMatch(/^virt-builder: error: cannot find os-version/)
  await page.screenshot({ path: 'test-results/screenshots/jobs.png', fullPage: true })

  // What the run made is the internal network, recorded in the lab; no half-built base image is left.
  expect(virsh('net-list', '--all', '--name')).toContain('e2ewiz-int')
  expect((await engineCall('lab.get', { name: 'e2ewiz' })).resources.networks).toEqual(['e2ewiz-int'])
  const base = join(dir, 'images', 'stacklab-base')
  expect(existsSync(base) ? readdirSync(base) : []).toEqual([])

  // Resume runs the pipeline again from where it stopped: the network step is not redone, the template
  // is still missing, so it fails at the same step with the same fix. The new job now holds the actions.
  await page.click(`#${id}-resume`)
  const again = page.locator('li.job.selected')
  await expect(again).not.toHaveAttribute('id', id)
  const rid = (await again.getAttribute('id'))!
  await expect(page.locator(`#${rid}-state`)).toHaveAttribute('data-state', 'failed', { timeout: 60_000 })
  await expect(page.locator(`#${rid}-step-networks`)).toHaveAttribute('data-state', 'skipped')
  await expect(page.locator(`#${rid}-step-base-image`)).toHaveAttribute('data-state', 'failed')
  await expect(page.locator(`#${rid}-fix`)).toContainText('check the template source in Settings')
  await expect(page.locator(`#${id}-resume`)).toHaveCount(0)

  // Delete the lab from the failed job: exactly what was made goes, checked with virsh.
  await page.click(`#${rid}-delete`)
  await expect(page.locator('#confirm-delete')).toBeVisible()
  await page.click('#confirm-delete-yes')
  await expect
    .poll(
      async () =>
        (await engineCall('jobs.list', {})).find((j) => j.kind === 'lab.delete' && j.lab === 'e2ewiz')?.state,
    )
    .toBe('succeeded')
  const deletion = (await engineCall('jobs.list', {})).find(
    (j) => j.kind === 'lab.delete' && j.lab === 'e2ewiz',
  )!
  await expect(page.locator(`#job-${deletion.id}-state`)).toHaveAttribute('data-state', 'succeeded')
  expect(virsh('net-list', '--all', '--name')).not.toContain('e2ewiz-int')
  expect(virsh('net-list', '--all', '--name')).toContain('default')
  expect(await engineCall('labs.list', {})).toEqual([])
  expect(existsSync(join(dir, 'images', 'e2ewiz'))).toBe(false)
  // The failed jobs no longer offer actions: a newer job took over their lab.
  await expect(page.locator(`#${rid}-delete`)).toHaveCount(0)
  await expect(page.locator(`#${rid}-resume`)).toHaveCount(0)
})

test('what each OS and release means, in English and Korean, as the learner chooses', async ({ page }) => {
  await page.goto(url())
  await page.click('#nav-wizard')
  const presetFacts = page.locator('#wizard-preset-facts')
  const releaseFacts = page.locator('#wizard-release-facts')
  // The default: Stream 9 and Epoxy, with the end of Stream 9 and of RDO packaging.
  await expect(page.locator('#wizard-preset option:checked')).toHaveText('CentOS Stream 9 (current)')
  await expect(presetFacts.locator('li[data-fact="stream9-end"]')).toHaveText(
    'CentOS Stream 9 ends on 2027-05-31; after that its repositories get no updates.',
  )
  await expect(presetFacts.locator('li[data-fact="rdo-last-release"]')).toContainText(
    'Epoxy (2025.1) is the last release RDO packages',
  )
  await expect(releaseFacts.locator('li[data-fact="epoxy-unmaintained"]')).toContainText(
    'unmaintained upstream on 2026-10-02',
  )
  await expect(page.locator('#wizard-release option')).toHaveText([
    'epoxy (2025.1)',
    'dalmatian (2024.2)',
    'caracal (2024.1)',
  ])
  // An older release says so; the Stream 9 facts stay.
  await page.selectOption('#wizard-release', 'caracal')
  await expect(releaseFacts.locator('li')).toHaveText([
    'Older than Epoxy (2025.1), the newest release RDO packages: choose it to follow a course written for it.',
  ])
  // An archived OS: labelled so in the list, its end of life shown, its first release chosen.
  await page.selectOption('#wizard-preset', 'centos-7.9')
  await expect(page.locator('#wizard-preset option:checked')).toHaveText(
    'CentOS 7.9 (archived, end of life 2024-06-30)',
  )
  await expect(page.locator('#wizard-release')).toHaveValue('train')
  await expect(presetFacts.locator('li[data-fact="centos7-eol"]')).toContainText(
    'CentOS 7 reached end of life on 2024-06-30',
  )
  await expect(releaseFacts.locator('li[data-fact="linuxbridge-era"]')).toBeVisible()
  // The offline test template with OpenStack's packages is not offered (lab files and the CLI name it).
  await expect(page.locator('#wizard-preset option')).toHaveCount(6)
  await expect(page.locator('#wizard-preset option[value="debian-12-openstack"]')).toHaveCount(0)
  // AlmaLinux 9 only as what it is: built from its cloud image (virt-builder has no template for it).
  await expect(page.locator('#wizard-preset option', { hasText: /alma/i })).toHaveText([
    'AlmaLinux 9 (current, from its cloud image)',
  ])
  // OpenStack from Debian's own packages: Zed, its facts, and the controller's data disk for Cinder's
  // volume group (the packstack lab before it had none).
  await expect(page.locator('#wizard-node-0-data-disk')).toHaveValue('')
  await page.selectOption('#wizard-preset', 'debian-12')
  await expect(page.locator('#wizard-release option')).toHaveText(['zed (2022.2)'])
  await expect(releaseFacts.locator('li[data-fact="debian-zed"]')).toContainText(
    'Debian 12 ships OpenStack Zed',
  )
  await expect(page.locator('#wizard-node-0-data-disk')).toHaveValue('20')
  await page.selectOption('#wizard-preset', 'centos-7.9')

  // The same facts in Korean, with the same dates.
  await page.locator('#lang-select').selectOption('ko')
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko')
  await expect(page.locator('#wizard-preset option:checked')).toHaveText(
    'CentOS 7.9 (보관용, 2024-06-30 지원 종료)',
  )
  await expect(presetFacts.locator('li[data-fact="centos7-eol"]')).toHaveText(
    '보관용(archived): CentOS 7은 2024-06-30에 지원이 끝났습니다(EOL). Stacklab이 저장소를 아카이브(vault.centos.org)로 바꿔 주지만 보안 수정은 없습니다.',
  )
  await page.selectOption('#wizard-preset', 'centos-stream-9')
  await expect(page.locator('#wizard-release')).toHaveValue('epoxy')
  await expect(presetFacts.locator('li[data-fact="stream9-end"]')).toHaveText(
    'CentOS Stream 9는 2027-05-31에 지원이 끝납니다. 그 뒤로는 저장소에 업데이트가 없습니다.',
  )
  await expect(presetFacts.locator('li[data-fact="rdo-last-release"]')).toContainText(
    'RDO가 패키지를 만드는 마지막 릴리스',
  )
  await expect(releaseFacts.locator('li[data-fact="epoxy-unmaintained"]')).toContainText(
    '2026-10-02에 업스트림 유지보수가 끝났습니다',
  )
  mkdirSync('test-results/screenshots', { recursive: true })
  await page.screenshot({ path: 'test-results/screenshots/wizard-presets-ko.png', fullPage: true })
  await page.locator('#lang-select').selectOption('en')
})

test('a host name that is not one, a second controller, YAML features and warnings show on their fields', async ({
  page,
}) => {
  const fixture = (name: string) => readFileSync(join('test/fixtures/labs', name), 'utf8')
  await page.goto(url())
  await page.click('#nav-wizard')
  await page.click('#wizard-reset')
  await expect(page.locator('#wizard-create')).toBeEnabled()

  // Node names become host names: each DNS problem next to the name field, and no create.
  for (const [name, said] of [
    ['compute_1', 'must not contain "_"'],
    ['Compute', 'must be lower case, as guests use host names: compute, not Compute'],
    ['compute.lab', 'must be one host name label, without dots'],
    ['-compute', 'must not start or end with a hyphen'],
  ]) {
    await page.fill('#wizard-node-1-name', name!)
    await expect(page.locator('#wizard-error-nodes-1-name')).toContainText(said!)
    await expect(page.locator('#wizard-node-1-name')).toHaveAttribute('aria-invalid', 'true')
    await expect(page.locator('#wizard-create')).toBeDisabled()
  }
  await page.fill('#wizard-node-1-name', 'compute')
  await expect(page.locator('#wizard-error-nodes-1-name')).toHaveCount(0)

  // One controller: a second one is refused on its role; storage (nothing to install) is not offered.
  await expect(page.locator('#wizard-node-1-role option[value="storage"]')).toHaveCount(0)
  await page.selectOption('#wizard-node-1-role', 'controller')
  await expect(page.locator('#wizard-error-nodes-1-role')).toContainText(
    'a lab has one controller (controller)',
  )
  await expect(page.locator('#wizard-node-1-role')).toHaveAttribute('aria-invalid', 'true')
  await expect(page.locator('#wizard-create')).toBeDisabled()
  await page.screenshot({ path: 'test-results/screenshots/wizard-role-error.png', fullPage: true })
  await page.selectOption('#wizard-node-1-role', 'compute')
  await expect(page.locator('#wizard-error-nodes-1-role')).toHaveCount(0)
  await expect(page.locator('#wizard-create')).toBeEnabled()

  // YAML: features a lab file has no use for are named; an unknown key is listed by its path.
  await page.click('#wizard-yaml-panel summary')
  await page.fill('#wizard-yaml', fixture('bad/yaml-merge-key.yaml'))
  await page.click('#wizard-yaml-import')
  await expect(page.locator('#wizard-yaml-error')).toContainText('YAML merge keys (<<) are not supported')
  await page.fill('#wizard-yaml', fixture('bad/unknown-key-root-password.yaml'))
  await page.click('#wizard-yaml-import')
  await expect(page.locator('#wizard-error-rootPassword')).toContainText('root password itself')
  await expect(page.locator('#wizard-create')).toBeDisabled()
  await page.fill('#wizard-yaml', fixture('bad/dhcp-reversed.yaml'))
  await page.click('#wizard-yaml-import')
  await expect(page.locator('#wizard-error-networks-1-dhcp-end')).toContainText(
    '192.168.90.10 comes before the start 192.168.90.50',
  )
  // A node without a NAT NIC: a warning, and the lab can still be created.
  await page.fill('#wizard-yaml', fixture('warn/node-without-nat.yaml'))
  await page.click('#wizard-yaml-import')
  await expect(page.locator('#wizard-warning-nodes-1-nics')).toContainText(
    'compute has no NIC on the NAT network (default)',
  )
  await expect(page.locator('#wizard-create')).toBeEnabled()
})

test('the pages speak Korean; adding a node and moving a subnet keep the addresses consistent', async ({
  page,
}) => {
  await page.goto(url())
  await page.selectOption('#lang-select', 'ko')
  await expect(page.locator('#nav-wizard')).toHaveText('새 랩')
  await expect(page.locator('#nav-jobs')).toHaveText('작업')
  await expect(page.locator('#nav-checkpoints')).toHaveText('체크포인트')
  await page.click('#nav-wizard')
  await expect(page.locator('#wizard-heading')).toHaveText('새 랩 만들기')
  await expect(page.locator('#wizard-create')).toHaveText('랩 만들기')
  await expect(page.locator('#wizard-plan h2')).toHaveText('만들어질 것')
  await page.fill('#wizard-node-1-memory', '512')
  await expect(page.locator('#wizard-status')).toHaveText('랩을 만들기 전에 1개 항목을 고쳐야 합니다.')
  await page.fill('#wizard-node-1-memory', '4096')
  // Add a compute node: next free addresses on each network, and it shows in the plan; then remove it.
  await page.click('#wizard-add-compute')
  await expect(page.locator('#wizard-node-2-name')).toHaveValue('compute2')
  await expect(page.locator('#wizard-node-2-nic-0-ip')).toHaveValue('192.168.122.111')
  await expect(page.locator('#wizard-node-2-nic-1-ip')).toHaveValue('192.168.90.111')
  await expect(page.locator('#wizard-plan-domain-lab1-compute2')).toBeVisible()
  await page.screenshot({ path: 'test-results/screenshots/wizard-ko.png', fullPage: true })
  await page.click('#wizard-node-2-remove')
  await expect(page.locator('#wizard-node-2')).toHaveCount(0)
  // Moving the internal subnet moves the nodes' addresses on it (host part kept).
  await page.fill('#wizard-network-1-subnet', '10.10.0.0/24')
  await expect(page.locator('#wizard-node-0-nic-1-ip')).toHaveValue('10.10.0.100')
  await expect(page.locator('#wizard-node-1-nic-1-ip')).toHaveValue('10.10.0.110')
  await expect(page.locator('#wizard-create')).toBeEnabled()
  await page.click('#nav-checkpoints')
  await expect(page.locator('#cp-heading')).toHaveText('체크포인트와 스냅샷')
})
