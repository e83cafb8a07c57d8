// REAL OpenStack from Debian 12's own packages (Zed) on real QEMU guests: no test double anywhere in this
// file. The lab is built from the debian-12-openstack template (packages installed, nothing configured), and
// the engine's distribution-packages installer configures it stage by stage: MariaDB, RabbitMQ, Memcached,
// etcd, Keystone, Glance, Placement, Nova, Neutron (ML2/OVN), Horizon, Cinder (LVM on the controller's data
// disk). As a user lives it: the app is closed while a stage runs (the stage goes on in the guest; a new
// engine reattaches to it), the database goes away during the Neutron stage (the stage fails with the
// script's output and its log), "retry" restores the pre-neutron checkpoint and runs from Neutron on, not
// from scratch. Then the cloud answers for real: a token, an image uploaded and listed, a volume as an LV,
// an instance ACTIVE on the compute node under nova-compute's QEMU, the status from the APIs, and Chromium
// logs into Horizon.
// Run with `npm run test:openstack` (it sets up the test bed); figures are printed at the end.
import { spawn } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { chromium } from '@playwright/test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src-main/engine/engine'
import { labFiles, type LabFiles } from '../../src-main/engine/lab/files'
import type { AppPaths } from '../../src-main/engine/paths'
import type { Job } from '../../src-shared/jobs'
import { DEBIAN_STAGES } from '../../src-shared/install'
import { jobFinished, waitFor } from '../helpers'
import { labEngine, labEnvironment } from '../lab/lab-helpers'
import { TINY_BOOTED, TINY_IMAGE_SCRIPT } from './tiny-instance'
import { onLabNode, openstackLab, serveLabApp } from './os-lab'
import { CHROMIUM_LAUNCH } from '../chromium'

const env = labEnvironment()
const LAB = 'os'
let engine: Engine
let paths: AppPaths
let files: LabFiles
const figures: string[] = []

const onNode = (node: string, command: string) => onLabNode(engine, files, LAB, node, command)

const finished = (id: string, onUpdate?: (job: Job) => void) => jobFinished(engine, id, onUpdate)

beforeAll(async () => {
  const made = await labEngine(env)
  engine = made.engine
  paths = made.paths
  files = labFiles(paths.data, LAB)
  const t0 = Date.now()
  const job = await engine.api.call('lab.create', { definition: openstackLab(LAB) })
  const done = await finished(job.id)
  expect(done.error).toBeNull()
  figures.push(`lab created (2 nodes, debian-12-openstack): ${Math.round((Date.now() - t0) / 1000)} s`)
}, 30 * 60_000)

afterAll(async () => {
  console.log(`\n::: OpenStack install figures\n${figures.map((f) => `  ${f}`).join('\n')}`)
  const job = await engine.api.call('lab.delete', { name: LAB }).catch(() => null)
  if (job) await finished(job.id)
  await engine.close()
}, 10 * 60_000)

describe("OpenStack from Debian's packages, for real", () => {
  it('shows every config file it will write, and has no answer file', async () => {
    const { stages, progress } = await engine.api.call('lab.installFiles', { name: LAB })
    expect(stages.map((s) => s.id)).toEqual([
      'prepare',
      'infra',
      'keystone',
      'glance',
      'placement',
      'nova',
      'neutron',
      'horizon',
      'cinder',
    ])
    const keystone = stages
      .find((s) => s.id === 'keystone')!
      .files.find((f) => f.path === '/etc/keystone/keystone.conf')!
    expect(keystone.content).toMatch(
      /^connection = mysql\+pymysql:\/\/keystone:[A-Za-z0-9]{20}@192\.168\.122\.100\/keystone$/m,
    )
    expect(keystone.content).toMatch(/^provider = fernet$/m)
    expect(progress.done).toEqual([])
    await expect(engine.api.call('lab.answers', { name: LAB })).rejects.toThrow(/distribution's packages/)
    await expect(engine.api.call('lab.install', { name: LAB, retry: true })).rejects.toThrow(
      /no failed install stage/,
    )
  })

  it(
    'survives the app closing mid-stage, fails when the database goes away during Neutron, retries from there',
    async () => {
      const t0 = Date.now()
      // The install runs in the real CLI, killed (SIGKILL: nothing cleaned up, as a crash) while Keystone's
      // script runs in the guest (its db_sync takes a while under emulation).
      const cli = spawn('node', ['bin/stacklab.js', 'install', LAB], {
        env: { ...process.env, ...env.xdg, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let output = ''
      cli.stdout.on('data', (d: Buffer) => (output += d.toString()))
      cli.stderr.on('data', (d: Buffer) => (output += d.toString()))
      const exited = new Promise<void>((resolve) => cli.on('exit', () => resolve()))
      const running = await waitFor(
        async () => {
          const st = (await engine.api.call('lab.get', { name: LAB })).install?.stages
          return st?.current?.stage === 'keystone' && st.current.script === 0 ? st.current : null
        },
        { timeoutMs: 40 * 60_000, intervalMs: 1000 },
      ).catch((e: unknown) => {
        throw new Error(`keystone's script never ran: ${String(e)}\n${output}`)
      })
      cli.kill('SIGKILL')
      await exited
      // The script goes on in the guest without the app.
      await onNode('controller', `test -e ${running!.log}`)

      // A new engine reattaches to the running stage, then goes on with the stages after it.
      const job = await engine.api.call('lab.install', { name: LAB })
      expect(job.title).toMatch(/Reattach/)
      expect(job.steps.map((s) => s.id)).toEqual([
        'connect',
        'keystone',
        'glance',
        'placement',
        'nova',
        'neutron',
        'horizon',
        'cinder',
      ])
      // As soon as Neutron's stage has taken its checkpoint and installs its packages, the database goes away
      // (MariaDB stopped and masked): the stage's SQL fails, the stage fails. The checkpoint "pre-neutron"
      // was taken before: there MariaDB runs.
      const broken: { done: Promise<string> | null } = { done: null }
      const failed = await finished(job.id, (j) => {
        const g = j.steps.find((s) => s.id === 'neutron')!
        if (!broken.done && g.state === 'running' && /packages/.test(g.detail))
          broken.done = onNode('controller', 'systemctl mask --now mariadb && echo masked')
      })
      expect(broken.done).not.toBeNull()
      expect(await broken.done).toMatch(/masked/)
      expect(failed.state).toBe('failed')
      expect(failed.steps.find((s) => s.id === 'nova')!.state).toBe('done')
      expect(failed.steps.find((s) => s.id === 'neutron')!.state).toBe('failed')
      // Measured: ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock'.
      expect(failed.error!.message).toMatch(
        /^Stage "Neutron \(Networking, ML2\/OVN\)" failed on controller: .*(mysqld\.sock|OperationalError|Can't connect)/,
      )
      expect(failed.error!.message).toMatch(/log on the node: \/var\/log\/stacklab\/stage-neutron-0-/)
      expect(failed.error!.fix).toMatch(/pre-neutron/)
      const scratchSeconds = (Date.now() - t0) / 1000
      const st = (await engine.api.call('lab.get', { name: LAB })).install!.stages!
      expect(st.failed).toBe('neutron')
      expect(st.done).toEqual(['prepare', 'infra', 'keystone', 'glance', 'placement', 'nova'])

      // Retry: restores pre-neutron (MariaDB runs again there) and runs Neutron, Horizon and Cinder only.
      const t1 = Date.now()
      const retry = await engine.api.call('lab.install', { name: LAB, retry: true })
      expect(retry.steps.map((s) => s.id)).toEqual(['restore', 'connect', 'neutron', 'horizon', 'cinder'])
      const end = await finished(retry.id)
      expect(end.error).toBeNull()
      expect(end.state).toBe('succeeded')
      const retrySeconds = (Date.now() - t1) / 1000
      // The restore put the guests' clocks back to the checkpoint's moment; the install set them right.
      expect(end.steps.find((s) => s.id === 'connect')!.detail).toMatch(
        /clocks set to the host's \(were controller -\d+ s/,
      )
      const after = (await engine.api.call('lab.get', { name: LAB })).install!.stages!
      expect(after.done).toEqual(DEBIAN_STAGES.map((s) => s.id))
      for (const [id, s] of Object.entries(after.seconds)) figures.push(`stage ${id}: ${s} s`)
      const whole = Object.values(after.seconds).reduce((a, b) => a + b, 0)
      figures.push(`install until the failure (app closed once): ${Math.round(scratchSeconds)} s`)
      figures.push(`retry from neutron: ${Math.round(retrySeconds)} s; all stages once: ${whole} s`)
      figures.push(`retry from the failed stage / install from scratch: ${(retrySeconds / whole).toFixed(2)}`)
    },
    // Measured 2026-11-30 with the machine shared: the stages alone took 86 minutes before Cinder, and 90
    // stopped the test while Cinder's checks ran (the install went on in the engine). A bound, not a target.
    180 * 60_000,
  )

  it('answers as a cloud: token, an image uploaded to Glance and listed, Placement', async () => {
    const token = JSON.parse(
      await onNode('controller', 'openstack --os-cloud stacklab token issue -f json'),
    ) as {
      id: string
      expires: string
    }
    expect(token.id.length).toBeGreaterThan(20)
    // The controller logs into the other nodes as root, as the seeds' scp and ssh from it do.
    expect(await onNode('controller', 'ssh -o BatchMode=yes compute hostname')).toMatch(/^compute\b/)
    // A learner's way: admin-openrc, then the openstack command (seed 004).
    await onNode(
      'controller',
      'head -c 1048576 /dev/urandom > /tmp/tiny.img && . /root/admin-openrc && ' +
        'openstack image create --disk-format raw --container-format bare --file /tmp/tiny.img tiny -f json',
    )
    const images = JSON.parse(
      await onNode('controller', '. /root/admin-openrc && openstack image list -f json'),
    ) as {
      Name: string
      Status: string
    }[]
    expect(images).toContainEqual(expect.objectContaining({ Name: 'tiny', Status: 'active' }))
    const stored = await onNode('controller', 'ls -l /var/lib/glance/images/ | tail -n +2 | wc -l')
    expect(Number(stored.trim())).toBe(1)
    const versions = await onNode(
      'controller',
      'openstack --os-cloud stacklab versions show --service placement -f json',
    )
    expect(versions).toMatch(/CURRENT/)
    // Cinder: a volume made through the API is an LV of cinder-volumes on the controller's data disk.
    const volumeId = (
      await onNode(
        'controller',
        '. /root/admin-openrc && openstack volume create --size 1 vol1 -f value -c id',
      )
    ).trim()
    await waitFor(
      async () => {
        const st = (
          await onNode('controller', '. /root/admin-openrc && openstack volume show vol1 -f value -c status')
        ).trim()
        if (st === 'error') throw new Error('vol1 went to error')
        return st === 'available' ? st : null
      },
      { timeoutMs: 10 * 60_000, intervalMs: 5000 },
    )
    expect(await onNode('controller', 'lvs --noheadings -o lv_name cinder-volumes')).toContain(
      `volume-${volumeId}`,
    )
    expect(await onNode('controller', 'pvs --noheadings -o pv_name')).toMatch(/\/dev\/vdb/)
    // The status reads the real units from systemd on the controller (Debian has no openstack-service). Right
    // after the install a node can be busy enough that Neutron counts its OVN agent dead for a while (seen
    // once: ovn-controller on compute "dead" as Cinder's stage ended): that is waited out, for up to 5
    // minutes, and how long it took is a figure; then everything must be up.
    const t0 = Date.now()
    let status = await engine.api.call('lab.status', { name: LAB })
    while (status.services.some((s) => !s.ok) && Date.now() - t0 < 5 * 60_000) {
      await new Promise((r) => setTimeout(r, 10_000))
      status = await engine.api.call('lab.status', { name: LAB })
    }
    const notUp = status.services.filter((s) => !s.ok)
    figures.push(
      `every API service up ${Math.round((Date.now() - t0) / 1000)} s after the install` +
        (notUp.length
          ? ` (still not: ${notUp.map((s) => `${s.binary}@${s.host} ${s.state}`).join(', ')})`
          : ''),
    )
    if (notUp.length)
      console.log(
        await onNode(
          'controller',
          '. /root/admin-openrc && openstack network agent list; ovn-sbctl show',
        ).catch((e: unknown) => String(e)),
      )
    expect(status.installed).toBe(true)
    const units = status.nodes.find((n) => n.name === 'controller')!.services
    expect(units.map((u) => [u.name, u.state])).toEqual(
      [
        'mariadb',
        'rabbitmq-server',
        'memcached',
        'etcd',
        'keystone',
        'glance-api',
        'placement-api',
        'nova-api',
        'nova-scheduler',
        'nova-conductor',
        'nova-novncproxy',
        'ovn-ovsdb-server-nb',
        'ovn-ovsdb-server-sb',
        'ovn-northd',
        'neutron-server',
        // the controller is the external network's gateway chassis
        'ovsdb-server',
        'ovs-vswitchd',
        'ovn-controller',
        'apache2',
        'tgt',
        'cinder-api',
        'cinder-scheduler',
        'cinder-volume',
      ].map((u) => [u, 'active']),
    )
    const computeUnits = status.nodes.find((n) => n.name === 'compute')!.services
    expect(computeUnits.map((u) => [u.name, u.state])).toEqual(
      // iscsid with Cinder: nova-compute attaches volumes by an iSCSI login.
      ['libvirtd', 'nova-compute', 'ovsdb-server', 'ovs-vswitchd', 'ovn-controller', 'iscsid'].map((u) => [
        u,
        'active',
      ]),
    )
    // ...and the APIs' own view: Nova's services and Neutron's OVN agents, each on its host and up.
    const api = status.services.map((s) => `${s.kind} ${s.binary}@${s.host} ${s.ok ? 'up' : s.state}`)
    expect(api).toEqual(
      expect.arrayContaining([
        'compute nova-scheduler@controller.example.com up',
        'compute nova-conductor@controller.example.com up',
        'compute nova-compute@compute.example.com up',
        'network ovn-controller@compute.example.com up',
        'network ovn-controller@controller.example.com up',
        'volume cinder-scheduler@controller.example.com up',
        'volume cinder-volume@controller.example.com@lvm up',
      ]),
    )
    expect(status.horizon?.url).toBe('http://192.168.122.100/horizon/')
    expect(status.horizon?.username).toBe('admin')
    expect(status.horizon?.password).toMatch(/^[A-Za-z0-9]{20}$/)
    expect(status.problems).toEqual([])
    // A unit that stops is seen at once: the node is flagged, the problem names the unit.
    await onNode('controller', 'systemctl stop glance-api')
    const degraded = await engine.api.call('lab.status', { name: LAB })
    expect(degraded.nodes.find((n) => n.name === 'controller')!.health).toBe('degraded')
    expect(JSON.stringify(degraded.problems)).toMatch(/glance-api is (inactive|deactivating)/)
    await onNode('controller', 'systemctl start glance-api')
    // Started is not answering: under emulation glance-api listens a minute or more later, and the next
    // test uploads images (a run of 2026-12-01 failed there with "Failed to contact the endpoint").
    await waitFor(
      async () =>
        (await onNode('controller', '. /root/admin-openrc && openstack image list -f value -c ID').then(
          () => true,
          () => null,
        )) ?? null,
      { timeoutMs: 10 * 60_000, intervalMs: 5000 },
    )
    const mem = await onNode('controller', "free -m | awk '/^Mem:/ { print $3 }'")
    figures.push(`controller memory used after the install: ${mem.trim()} MiB`)
  })

  it(
    "runs an instance: ACTIVE on the compute node under nova-compute's QEMU, and it boots",
    async () => {
      await instanceRuns().catch(async (error: unknown) => {
        // A failure here has been hard to see after the lab is gone: what Nova and the nodes said goes with it.
        throw new Error(`${(error as Error).message}\n${await instanceDiagnostics()}`)
      })
    },
    45 * 60_000,
  )

  /** Nova's view of vm1, the compute node's nova-compute log and both nodes' memory and load. */
  async function instanceDiagnostics(): Promise<string> {
    const ask = (node: string, command: string) =>
      onNode(node, command).then(
        (out) => `--- ${node}: ${command}\n${out}`,
        (e: unknown) => `--- ${node}: ${command}\n(failed: ${(e as Error).message})`,
      )
    const parts = [
      await ask('controller', '. /root/admin-openrc && openstack server show vm1 -f json'),
      await ask('compute', 'tail -n 80 /var/log/nova/nova-compute.log'),
      await ask('controller', 'tail -n 30 /var/log/nova/nova-conductor.log'),
      await ask('controller', 'free -m; uptime'),
      await ask('compute', 'free -m; uptime; virsh -c qemu:///system list --all'),
    ]
    return parts.join('\n')
  }

  async function instanceRuns(): Promise<void> {
    await onNode('controller', TINY_IMAGE_SCRIPT)
    await onNode(
      'controller',
      '. /root/admin-openrc && ' +
        '{ openstack network show net1 >/dev/null 2>&1 || openstack network create net1 -f value -c id; } && ' +
        '{ openstack subnet show sub1 >/dev/null 2>&1 || ' +
        'openstack subnet create --network net1 --subnet-range 10.10.0.0/24 sub1 -f value -c id; }',
    )
    const t0 = Date.now()
    await onNode(
      'controller',
      '. /root/admin-openrc && openstack server create --flavor tiny --image tiny-boot --network net1 vm1 -f value -c id',
    )
    type Server = { status: string; 'OS-EXT-SRV-ATTR:host'?: string; fault?: { message?: string } }
    const server = await waitFor(
      async () => {
        const s = JSON.parse(
          await onNode('controller', '. /root/admin-openrc && openstack server show vm1 -f json'),
        ) as Server
        if (s.status === 'ERROR') throw new Error(`vm1 went to ERROR: ${JSON.stringify(s.fault)}`)
        return s.status === 'ACTIVE' ? s : null
      },
      { timeoutMs: 20 * 60_000, intervalMs: 10_000 },
    )
    figures.push(`instance ACTIVE after ${Math.round((Date.now() - t0) / 1000)} s`)
    expect(server!['OS-EXT-SRV-ATTR:host']).toBe('compute.example.com')
    // It is a real QEMU process on the compute node, with the lab's port plugged into OVN's br-int.
    expect(await onNode('compute', 'virsh -c qemu:///system list --name')).toMatch(/instance-/)
    expect(await onNode('compute', 'ovs-vsctl list-ports br-int')).toMatch(/^tap/m)
    // ...and the kernel boots our initramfs: its /init writes to the serial console nova records.
    const booted = await waitFor(
      async () => {
        const log = await onNode('controller', '. /root/admin-openrc && openstack console log show vm1')
        return log.includes(TINY_BOOTED) ? log : null
      },
      { timeoutMs: 20 * 60_000, intervalMs: 15_000 },
    )
    expect(booted).toMatch(/stacklab-tiny: booted, kernel \d/)
    figures.push(`instance booted (its /init on the console) after ${Math.round((Date.now() - t0) / 1000)} s`)
    const mem = await onNode('compute', "free -m | awk '/^Mem:/ { print $3 }'")
    figures.push(`compute memory used with the instance running: ${mem.trim()} MiB`)
  }

  it(
    "logs into Horizon in Chromium with the lab's admin password",
    async () => {
      const status = await engine.api.call('lab.status', { name: LAB })
      const horizon = status.horizon!
      const browser = await chromium.launch(CHROMIUM_LAUNCH)
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
        page.setDefaultTimeout(5 * 60_000)
        await page.goto(`${horizon.url}auth/login/`)
        await page.fill('#id_username', horizon.username)
        await page.fill('#id_password', horizon.password)
        await Promise.all([page.waitForURL(/\/(project|admin)\//), page.click('#loginBtn')])
        const text = await page.locator('#content_body, main, body').first().innerText()
        expect(text).toMatch(/Overview|Limit Summary|Instances/)
        await mkdir('test-results', { recursive: true })
        await page.screenshot({ path: 'test-results/horizon-overview.png', fullPage: false })
        // A wrong password is refused by Keystone through Horizon: no way in.
        const other = await browser.newPage()
        await other.goto(`${horizon.url}auth/login/`)
        await other.fill('#id_username', 'admin')
        await other.fill('#id_password', 'not-the-password')
        await other.click('#loginBtn')
        await other.waitForSelector('.alert-danger, .error, .help-block')
        expect(other.url()).toMatch(/auth\/login/)
      } finally {
        await browser.close()
      }
    },
    20 * 60_000,
  )

  it(
    'shows the stages and the status on the Install page, in a browser on the served app',
    async () => {
      // `stacklab serve` on the same lab, as a user would open it after a headless install.
      const served = await serveLabApp(env)
      const browser = await chromium.launch(CHROMIUM_LAUNCH)
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
        page.setDefaultTimeout(5 * 60_000)
        await page.goto(served.url)
        await page.locator('#nav-install').click()
        await page.locator('#install-lab').selectOption(LAB)
        const stages = page.locator('#install-stages > li')
        await stages.first().waitFor()
        expect(await stages.count()).toBe(DEBIAN_STAGES.length)
        for (const { id } of DEBIAN_STAGES)
          expect(
            await page.locator(`#install-stages > li[data-stage="${id}"]`).getAttribute('data-state'),
          ).toBe('done')
        await page.locator('#status-refresh').click()
        await page.locator('#status-api').waitFor()
        expect(await page.locator('#status-node-controller-health').getAttribute('data-health')).toBe('ok')
        expect(await page.locator('#status-node-compute-health').getAttribute('data-health')).toBe('ok')
        expect(await page.locator('#status-api').innerText()).toMatch(/nova-compute\s+compute\.example\.com/)
        expect(await page.locator('#status-horizon').innerText()).toContain('http://192.168.122.100/horizon/')
        await page.screenshot({ path: 'test-results/openstack-install-page.png', fullPage: true })
        // The topology shows the cloud's instance on the node it runs on, from the same report.
        await page.locator('#nav-topology').click()
        const pill = page.locator(`#node-${LAB}-compute-instances`)
        await pill.waitFor()
        expect(await pill.getAttribute('aria-label')).toMatch(/^1 instance: vm1 \(ACTIVE\)$/)
        expect(await page.locator(`#node-${LAB}-controller-instances`).count()).toBe(0)
      } finally {
        await browser.close()
        await served.stop()
      }
    },
    15 * 60_000,
  )

  it(
    'adds compute1 to the installed lab: it joins the cloud (its part of each stage, discover_hosts)',
    async () => {
      const compute1 = {
        name: 'compute1',
        role: 'compute' as const,
        vcpus: 1,
        memoryMiB: 2048,
        diskGiB: 6,
        nics: [
          { network: 'default', ip: '192.168.122.111' },
          { network: `${LAB}-int`, ip: '192.168.90.111' },
        ],
      }
      // Only compute nodes join an installed lab: another role is refused before anything is made (a second
      // controller is refused by the definition's own rules already).
      await expect(
        engine.api.call('lab.addNode', {
          name: LAB,
          node: { ...compute1, name: 'net2', role: 'network' },
        }),
      ).rejects.toThrow(/OpenStack is installed on lab os: .* network is not compute/)
      expect((await engine.api.call('lab.get', { name: LAB })).definition.nodes).toHaveLength(2)

      const t0 = Date.now()
      const job = await engine.api.call('lab.addNode', { name: LAB, node: compute1 })
      const joinIds = [
        'join-checkpoint',
        'join-connect',
        'join-prepare',
        'join-nova',
        'join-neutron',
        'join-cinder',
      ]
      expect(job.steps.map((s) => s.id).slice(-joinIds.length)).toEqual(joinIds)
      const end = await finished(job.id)
      const failed = end.steps.find((s) => s.state === 'failed')
      expect(end.error, `${failed?.title ?? ''}: ${end.error?.message ?? ''}`).toBeNull()
      figures.push(`compute1 added and joined: ${Math.round((Date.now() - t0) / 1000)} s`)
      const step = (id: string) => end.steps.find((s) => s.id === id)!
      for (const id of joinIds) expect(step(id).state).toBe('done')
      expect(step('join-nova').detail).toContain('every compute node is a hypervisor')

      // The cloud itself says so: nova-compute on compute1 up, compute1 a hypervisor, an OVN chassis.
      const services = JSON.parse(
        await onNode('controller', '. /root/admin-openrc && openstack compute service list -f json'),
      ) as { Binary: string; Host: string; State: string }[]
      expect(services.filter((r) => r.Binary === 'nova-compute').map((r) => [r.Host, r.State])).toEqual(
        expect.arrayContaining([
          ['compute.example.com', 'up'],
          ['compute1.example.com', 'up'],
        ]),
      )
      expect(
        await onNode('controller', '. /root/admin-openrc && openstack hypervisor list -f value'),
      ).toMatch(/compute1\.example\.com/)
      expect(await onNode('controller', 'ovn-sbctl --columns=hostname list Chassis')).toMatch(
        /compute1\.example\.com/,
      )
      expect(await onNode('controller', 'ssh -o BatchMode=yes compute1 hostname')).toMatch(/^compute1\b/)
      // Its own address, not the first compute node's: nova.conf's my_ip on compute1.
      expect(await onNode('compute1', 'grep -E "^my_ip" /etc/nova/nova.conf')).toMatch(
        /^my_ip = 192\.168\.122\.111$/m,
      )
      // The status reads compute1's services too, all running.
      const status = await engine.api.call('lab.status', { name: LAB })
      const node = status.nodes.find((n) => n.name === 'compute1')!
      expect(node.services.map((s) => s.name)).toEqual(
        expect.arrayContaining(['nova-compute', 'ovn-controller', 'iscsid']),
      )
      expect(node.services.filter((s) => !s.ok)).toEqual([])
      const cps = await engine.api.call('checkpoints.list', {
        domains: [`${LAB}-controller`, `${LAB}-compute`, `${LAB}-compute1`],
      })
      expect(cps.find((c) => c.name === 'pre-join-compute1')?.complete).toBe(true)
    },
    45 * 60_000,
  )
})
