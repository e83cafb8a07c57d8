// REAL OpenStack from Debian 12's own packages (Zed) on real QEMU guests: no test double anywhere in this
// file. The lab is built from the debian-12-openstack template (packages installed, nothing configured), and
// the engine's distribution-packages installer configures it stage by stage: MariaDB, RabbitMQ, Memcached,
// etcd, Keystone, Glance, Placement. As a user lives it: the app is closed while a stage runs (the stage goes
// on in the guest; a new engine reattaches to it), the database goes away during the Glance stage (the stage
// fails with the script's output and its log), "retry" restores the pre-glance checkpoint and runs from
// Glance on, not from scratch. Then the cloud answers for real: a token, an image uploaded and listed.
// Run with `npm run test:openstack` (it sets up the test bed); figures are printed at the end.
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from 'ssh2'
import type { Engine } from '../../src-main/engine/engine'
import { labFiles, type LabFiles } from '../../src-main/engine/lab/files'
import { connectNode } from '../../src-main/engine/lab/node-ssh'
import type { AppPaths } from '../../src-main/engine/paths'
import { sshExec } from '../../src-main/engine/ssh/client'
import { defaultLab, type LabDefinitionInput } from '../../src-shared/lab'
import type { Job } from '../../src-shared/jobs'
import { jobFinished, waitFor } from '../helpers'
import { labEngine, labEnvironment } from '../lab/lab-helpers'

const env = labEnvironment()
const LAB = 'os'
let engine: Engine
let paths: AppPaths
let files: LabFiles
const figures: string[] = []

function openstackLab(name: string): LabDefinitionInput {
  const lab = defaultLab(name, 'debian-12-openstack')
  Object.assign(lab.nodes[0]!, { vcpus: 2, memoryMiB: 6144, diskGiB: 8 })
  Object.assign(lab.nodes[1]!, { vcpus: 1, memoryMiB: 2048, diskGiB: 6 })
  return lab
}

async function onNode(node: string, command: string): Promise<string> {
  const state = await engine.api.call('lab.get', { name: LAB })
  const client: Client = await connectNode(files, state, node)
  try {
    const r = await sshExec(client, command)
    if (r.code !== 0) throw new Error(`${command}: exit ${r.code}: ${r.stderr || r.stdout}`)
    return r.stdout
  } finally {
    client.end()
  }
}

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
    expect(stages.map((s) => s.id)).toEqual(['prepare', 'infra', 'keystone', 'glance', 'placement'])
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
    'survives the app closing mid-stage, fails when the database goes away during Glance, retries from Glance',
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

      // A new engine reattaches to the running stage, then goes on to Glance and Placement.
      const job = await engine.api.call('lab.install', { name: LAB })
      expect(job.title).toMatch(/Reattach/)
      expect(job.steps.map((s) => s.id)).toEqual(['connect', 'keystone', 'glance', 'placement'])
      // As soon as Glance's stage has taken its checkpoint and installs its packages, the database goes away
      // (MariaDB stopped and masked): the stage's SQL or its db_sync fails, the stage fails. The checkpoint
      // "pre-glance" was taken before: there MariaDB runs.
      const broken: { done: Promise<string> | null } = { done: null }
      const failed = await finished(job.id, (j) => {
        const g = j.steps.find((s) => s.id === 'glance')!
        if (!broken.done && g.state === 'running' && /packages/.test(g.detail))
          broken.done = onNode('controller', 'systemctl mask --now mariadb && echo masked')
      })
      expect(broken.done).not.toBeNull()
      expect(await broken.done).toMatch(/masked/)
      expect(failed.state).toBe('failed')
      expect(failed.steps.find((s) => s.id === 'keystone')!.state).toBe('done')
      expect(failed.steps.find((s) => s.id === 'glance')!.state).toBe('failed')
      // Measured: ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock'.
      expect(failed.error!.message).toMatch(
        /^Stage "Glance \(Image\)" failed on controller: .*(mysqld\.sock|OperationalError|Can't connect)/,
      )
      expect(failed.error!.message).toMatch(/log on the node: \/var\/log\/stacklab\/stage-glance-0-/)
      expect(failed.error!.fix).toMatch(/pre-glance/)
      const scratchSeconds = (Date.now() - t0) / 1000
      const st = (await engine.api.call('lab.get', { name: LAB })).install!.stages!
      expect(st.failed).toBe('glance')
      expect(st.done).toEqual(['prepare', 'infra', 'keystone'])

      // Retry: restores pre-glance (MariaDB runs again there) and runs Glance and Placement only.
      const t1 = Date.now()
      const retry = await engine.api.call('lab.install', { name: LAB, retry: true })
      expect(retry.steps.map((s) => s.id)).toEqual(['restore', 'connect', 'glance', 'placement'])
      const end = await finished(retry.id)
      expect(end.error).toBeNull()
      expect(end.state).toBe('succeeded')
      const retrySeconds = (Date.now() - t1) / 1000
      const after = (await engine.api.call('lab.get', { name: LAB })).install!.stages!
      expect(after.done).toEqual(['prepare', 'infra', 'keystone', 'glance', 'placement'])
      for (const [id, s] of Object.entries(after.seconds)) figures.push(`stage ${id}: ${s} s`)
      const whole = Object.values(after.seconds).reduce((a, b) => a + b, 0)
      figures.push(`install until the failure (app closed once): ${Math.round(scratchSeconds)} s`)
      figures.push(`retry from glance: ${Math.round(retrySeconds)} s; all stages once: ${whole} s`)
      figures.push(`retry from the failed stage / install from scratch: ${(retrySeconds / whole).toFixed(2)}`)
    },
    90 * 60_000,
  )

  it('answers as a cloud: token, an image uploaded to Glance and listed, Placement', async () => {
    const token = JSON.parse(
      await onNode('controller', 'openstack --os-cloud stacklab token issue -f json'),
    ) as {
      id: string
      expires: string
    }
    expect(token.id.length).toBeGreaterThan(20)
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
    // The status reads the real units from systemd on the controller (Debian has no openstack-service).
    const status = await engine.api.call('lab.status', { name: LAB })
    expect(status.installed).toBe(true)
    const units = status.nodes.find((n) => n.name === 'controller')!.services
    expect(units.map((u) => [u.name, u.state])).toEqual(
      ['mariadb', 'rabbitmq-server', 'memcached', 'etcd', 'keystone', 'glance-api', 'placement-api'].map(
        (u) => [u, 'active'],
      ),
    )
    expect(status.problems).toEqual([])
    // A unit that stops is seen at once: the node is flagged, the problem names the unit.
    await onNode('controller', 'systemctl stop glance-api')
    const degraded = await engine.api.call('lab.status', { name: LAB })
    expect(degraded.nodes.find((n) => n.name === 'controller')!.health).toBe('degraded')
    expect(JSON.stringify(degraded.problems)).toMatch(/glance-api is (inactive|deactivating)/)
    await onNode('controller', 'systemctl start glance-api')
    const mem = await onNode('controller', "free -m | awk '/^Mem:/ { print $3 }'")
    figures.push(`controller memory used after the install: ${mem.trim()} MiB`)
  })
})
