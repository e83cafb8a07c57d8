// OpenStack install on a real two-node lab, with the packstack/openstack TEST DOUBLES inside the guests
// (the real installer cannot run offline). As a user lives it: packstack fails at a chosen manifest while
// the SSH connection the engine follows it on is cut mid-run (packstack goes on, the engine reattaches,
// and its copy of the log is byte for byte the controller's); the job shows the failing step and the fix;
// "retry" restores the "pre-install" checkpoint and succeeds; the status shows every service, the Horizon
// login, and flags a node whose service goes down. A compute node added to the installed lab joins it
// (packstack with EXCLUDE_SERVERS, discover_hosts, nova-compute up). The CLI reads the same status.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from 'ssh2'
import type { Engine } from '../../src-main/engine/engine'
import { labFiles, type LabFiles } from '../../src-main/engine/lab/files'
import { connectNode } from '../../src-main/engine/lab/node-ssh'
import { sshExec } from '../../src-main/engine/ssh/client'
import type { Job } from '../../src-shared/jobs'
import { jobFinished, runStacklab, waitFor } from '../helpers'
import { labEngine, labEnvironment, smallLab } from './lab-helpers'

const env = labEnvironment()
const LAB = 'ti'
let engine: Engine
let files: LabFiles

const finished = (id: string, onUpdate?: (job: Job) => void): Promise<Job> =>
  jobFinished(engine, id, onUpdate)

async function onNode(node: string, command: string): Promise<string> {
  const state = await engine.api.call('lab.get', { name: LAB })
  const client: Client = await connectNode(files, state, node)
  try {
    const r = await sshExec(client, command)
    if (r.code !== 0) throw new Error(`${command}: exit ${r.code}: ${r.stderr}`)
    return r.stdout
  } finally {
    client.end()
  }
}

beforeAll(async () => {
  const made = await labEngine(env)
  engine = made.engine
  const paths = made.paths
  files = labFiles(paths.data, LAB)
  const job = await engine.api.call('lab.create', { definition: smallLab(LAB) })
  const done = await finished(job.id)
  expect(done.error).toBeNull()
}, 15 * 60_000)

afterAll(async () => {
  const job = await engine.api.call('lab.delete', { name: LAB }).catch(() => null)
  if (job) await finished(job.id)
  await engine.close()
}, 5 * 60_000)

describe('OpenStack install with packstack (test double in the guests)', () => {
  it('refuses retry before any install, naming the missing checkpoint', async () => {
    await expect(engine.api.call('lab.install', { name: LAB, retry: true })).rejects.toThrow(/pre-install/)
  })

  it('generates an answer file with the lab hosts and refuses a file that does not fit the lab', async () => {
    const { text, generated } = await engine.api.call('lab.answers', { name: LAB })
    expect(generated).toBe(true)
    expect(text).toMatch(/^CONFIG_CONTROLLER_HOST=192\.168\.122\.100$/m)
    expect(text).toMatch(/^CONFIG_COMPUTE_HOSTS=192\.168\.122\.110$/m)
    expect(text).toMatch(/^CONFIG_PROVISION_DEMO=n$/m)
    expect(text).toMatch(/^CONFIG_NOVA_LIBVIRT_VIRT_TYPE=qemu$/m) // no working KVM on this host
    // Kept for the install, 0600 on the host.
    expect(readFileSync(files.answers, 'utf8')).toBe(text)
  })

  it(
    'fails at the chosen manifest, survives a cut connection, and shows the error and the fix',
    async () => {
      // A clean checkpoint the user took before anything else; the install keeps it as "pre-install".
      await engine.api.call('checkpoint.create', {
        domains: [`${LAB}-controller`, `${LAB}-compute`],
        name: 'pre-install',
        description: 'before the failure switch',
      })
      await onNode(
        'controller',
        'mkdir -p /etc/stacklab-test && echo 0.6 > /etc/stacklab-test/packstack-step-seconds && ' +
          'echo 192.168.122.110_compute.pp > /etc/stacklab-test/packstack-fail-at',
      )
      const job = await engine.api.call('lab.install', { name: LAB })
      let cut = false
      let reattached = false
      const end = await finished(job.id, (j) => {
        const run = j.steps.find((s) => s.id === 'run')!
        if (/reattached [1-9]/.test(run.detail)) reattached = true
        // Once packstack is under way, cut the engine's SSH session on the controller (not packstack).
        if (!cut && run.state === 'running' && / · .+ (done|running)/.test(run.detail)) {
          cut = true
          void onNode(
            'controller',
            // [s] keeps pgrep from matching this very command line.
            'for p in $(pgrep -f "[s]shd: root@notty"); do [ "$p" = "$PPID" ] || kill -9 "$p"; done; true',
          )
        }
      })
      expect(cut).toBe(true)
      expect(reattached).toBe(true)
      expect(end.state).toBe('failed')
      expect(end.steps.find((s) => s.id === 'checkpoint')!.detail).toMatch(/kept the existing/)
      expect(end.error!.message).toMatch(/192\.168\.122\.110_compute\.pp/)
      expect(end.error!.message).toMatch(/\/var\/tmp\/packstack\/.*openstack-setup\.log/)
      expect(end.error!.fix).toBeTruthy()

      // packstack kept running through the cut; the engine's copy of its output is complete.
      const log = await engine.api.call('lab.installLog', { name: LAB })
      expect(log.run?.outcome).toBe('failed')
      expect(log.report?.outcome).toBe('failed')
      const remote = await onNode('controller', `sha256sum ${log.run!.log}`)
      const state = await engine.api.call('lab.get', { name: LAB })
      const runId = state.install!.runs.at(-1)!.id
      const local = createHash('sha256')
        .update(readFileSync(files.runLog(runId)))
        .digest('hex')
      expect(remote.split(' ')[0]).toBe(local)
      expect(log.text).toContain('ERROR')
    },
    15 * 60_000,
  )

  it(
    'retries from the pre-install checkpoint and succeeds; status shows every service and Horizon',
    async () => {
      const job = await engine.api.call('lab.install', { name: LAB, retry: true })
      expect(job.steps[0]!.id).toBe('restore')
      const end = await finished(job.id)
      expect(end.error).toBeNull()
      expect(end.state).toBe('succeeded')
      // The checkpoint took the failure switch away: the run that succeeded never saw it.
      await expect(onNode('controller', 'test -e /etc/stacklab-test/packstack-fail-at')).rejects.toThrow()
      // The restore put each guest's clock back to the checkpoint's moment, minutes ago; the install set
      // them to the host's before anything ran (Keystone's tokens and Nova's heartbeats read them).
      expect(end.steps.find((s) => s.id === 'connect')!.detail).toMatch(
        /clocks set to the host's \(were controller -\d+ s, compute -\d+ s\)/,
      )
      for (const node of ['controller', 'compute']) {
        const guest = Number(await onNode(node, 'date -u +%s'))
        expect(Math.abs(guest - Date.now() / 1000)).toBeLessThan(10)
      }

      const status = await engine.api.call('lab.status', { name: LAB })
      expect(status.installed).toBe(true)
      expect(status.horizon).toMatchObject({ url: 'http://192.168.122.100/dashboard', username: 'admin' })
      expect(status.problems).toEqual([])
      expect(status.nodes.map((n) => [n.name, n.health])).toEqual([
        ['controller', 'ok'],
        ['compute', 'ok'],
      ])
      expect(status.nodes.find((n) => n.name === 'compute')!.services.map((s) => s.name)).toContain(
        'openstack-nova-compute',
      )
      expect(status.services.some((s) => s.kind === 'compute' && s.binary === 'nova-compute' && s.ok)).toBe(
        true,
      )
      expect(status.services.some((s) => s.kind === 'network')).toBe(true)
    },
    15 * 60_000,
  )

  it(
    'adds compute2 to the installed lab: its VM and its join to OpenStack in one job (seeds 000, 003)',
    async () => {
      const compute2 = {
        name: 'compute2',
        role: 'compute' as const,
        vcpus: 1,
        memoryMiB: 1024,
        diskGiB: 4,
        nics: [
          { network: 'default', ip: '192.168.122.111' },
          { network: `${LAB}-int`, ip: '192.168.90.111' },
        ],
      }
      // packstack adds compute hosts only: another role is refused before anything is made.
      await expect(
        engine.api.call('lab.addNode', { name: LAB, node: { ...compute2, name: 'net2', role: 'network' } }),
      ).rejects.toThrow(/OpenStack is installed on lab ti: .* network is not compute/)

      const job = await engine.api.call('lab.addNode', { name: LAB, node: compute2 })
      const joinIds = ['join-checkpoint', 'join-prepare', 'join-answers', 'run', 'discover', 'verify']
      expect(job.steps.map((s) => s.id).slice(-joinIds.length)).toEqual(joinIds)
      const end = await finished(job.id)
      expect(end.error).toBeNull()
      expect(end.state).toBe('succeeded')
      const step = (id: string) => end.steps.find((s) => s.id === id)!
      for (const id of joinIds) expect(step(id).state).toBe('done')
      expect(step('join-answers').detail).toContain(
        'CONFIG_COMPUTE_HOSTS=192.168.122.110,192.168.122.111; EXCLUDE_SERVERS=192.168.122.100,192.168.122.110',
      )
      // discover_hosts' own output, in the step: it mapped the new host (packstack's run did not).
      expect(step('discover').detail).toMatch(/^Found 1 unmapped computes in cell: [0-9a-f-]{36}$/m)
      expect(step('discover').detail).toMatch(
        /^Creating host mapping for compute host 'compute2\.example\.com': [0-9a-f-]{36}$/m,
      )
      expect(step('verify').detail).toMatch(/nova-compute on compute2 is up/)

      // The double's record: the install mapped compute (as root, from puppet), the join's discover_hosts
      // ran as the nova user and mapped compute2 only.
      const runs = (await onNode('controller', 'cat /var/lib/stacklab-test/nova/discover-runs'))
        .trim()
        .split('\n')
      expect(runs.at(-1)).toMatch(/ user=nova mapped=compute2\.example\.com$/)
      expect(runs.slice(0, -1).join('\n')).toMatch(/ user=root mapped=compute\.example\.com$/m)

      // packstack's second run configured compute2 only; the lab's answer file is the joined one.
      const log = await engine.api.call('lab.installLog', { name: LAB })
      expect(log.run).toMatchObject({ join: 'compute2', outcome: 'success' })
      expect(log.text).toContain('Applying 192.168.122.111_compute.pp')
      expect(log.text).not.toMatch(/Applying 192\.168\.122\.(100|110)_/)
      const saved = readFileSync(files.answers, 'utf8')
      expect(saved).toMatch(/^CONFIG_COMPUTE_HOSTS=192\.168\.122\.110,192\.168\.122\.111$/m)
      expect(saved).toMatch(/^EXCLUDE_SERVERS=192\.168\.122\.100,192\.168\.122\.110$/m)

      // The checkpoint to go back to, across the three nodes.
      const cps = await engine.api.call('checkpoints.list', {
        domains: [`${LAB}-controller`, `${LAB}-compute`, `${LAB}-compute2`],
      })
      expect(cps.find((c) => c.name === 'pre-join-compute2')?.complete).toBe(true)

      // Status: compute2 healthy, its nova-compute up in the API.
      const status = await engine.api.call('lab.status', { name: LAB })
      expect(status.problems).toEqual([])
      expect(status.nodes.map((n) => [n.name, n.health])).toEqual([
        ['controller', 'ok'],
        ['compute', 'ok'],
        ['compute2', 'ok'],
      ])
      expect(
        status.services.find((s) => s.binary === 'nova-compute' && s.host === 'compute2.example.com'),
      ).toMatchObject({ kind: 'compute', ok: true, state: expect.stringMatching(/^up\b/) as unknown })

      // The topology's sources: the lab lists compute2 with its VM, and libvirt runs it.
      const lab = (await engine.api.call('labs.list', {})).find((l) => l.name === LAB)!
      expect(lab.status).toBe('ready')
      expect(lab.nodes.find((n) => n.name === 'compute2')).toMatchObject({
        role: 'compute',
        address: '192.168.122.111',
        domain: `${LAB}-compute2`,
      })
      const domains = await engine.api.call('domains.list', {})
      expect(domains.find((d) => d.name === `${LAB}-compute2`)?.state).toBe('running')
    },
    25 * 60_000,
  )

  it(
    'adds compute3 as a VM only, to join by hand: the controller logs into it as the seeds do (ssh, scp)',
    async () => {
      const compute3 = {
        name: 'compute3',
        role: 'compute' as const,
        vcpus: 1,
        memoryMiB: 1024,
        diskGiB: 4,
        nics: [
          { network: 'default', ip: '192.168.122.112' },
          { network: `${LAB}-int`, ip: '192.168.90.112' },
        ],
      }
      const job = await engine.api.call('lab.addNode', { name: LAB, node: compute3, join: false })
      expect(job.steps.map((s) => s.id)).toContain('trust')
      expect(job.steps.some((s) => s.id.startsWith('join-'))).toBe(false)
      const end = await finished(job.id)
      expect(end.error).toBeNull()
      expect(end.steps.find((s) => s.id === 'trust')).toMatchObject({ state: 'done' })
      // The seed's own command from the controller, with no password and no host-key question (BatchMode):
      // the controller's key is in compute3's authorized_keys, compute3's pinned key in its known_hosts.
      expect(await onNode('controller', 'ssh -o BatchMode=yes compute3 hostname')).toMatch(/^compute3\b/)
      expect(await onNode('controller', 'ssh -o BatchMode=yes compute3.example.com true && echo ok')).toMatch(
        /^ok$/m,
      )
      // Nothing of OpenStack was configured on it: joining it is the learner's work (compute2 is a service).
      const status = await engine.api.call('lab.status', { name: LAB })
      const hosts = status.services.filter((s) => s.binary === 'nova-compute').map((s) => s.host)
      expect(hosts).toContain('compute2.example.com')
      expect(hosts).not.toContain('compute3.example.com')
    },
    15 * 60_000,
  )

  it(
    'flags a running node whose service is down, in the API and the CLI',
    async () => {
      await onNode(
        'compute',
        'mkdir -p /etc/stacklab-test && echo "nova-compute failed" > /etc/stacklab-test/services-down',
      )
      // The API's view of nova-compute comes from the controller, so it must learn it too.
      await onNode(
        'controller',
        'mkdir -p /etc/stacklab-test && echo "nova-compute failed" > /etc/stacklab-test/services-down',
      )
      const status = await engine.api.call('lab.status', { name: LAB })
      const compute = status.nodes.find((n) => n.name === 'compute')!
      expect(compute.vmState).toBe('running')
      expect(compute.flagged).toBe(true)
      expect(compute.health).toBe('degraded')
      expect(status.problems.map((p) => p.message).join('\n')).toMatch(/compute: running, but .*nova-compute/)

      const cli = await runStacklab(env.home, 'status', LAB)
      expect(cli.code).toBe(1)
      expect(cli.stdout).toMatch(/compute\s+degraded/)
      expect(cli.stdout).toContain('Horizon: http://192.168.122.100/dashboard')
      expect(cli.stderr).toMatch(/problem: compute: running, but/)
    },
    5 * 60_000,
  )

  it("opens the controller's serial console (virsh console on a pty) and gets its login prompt", async () => {
    let out = ''
    const off = engine.on('console.data', (e) => {
      out += e.data
    })
    const info = await engine.api.call('console.open', {
      lab: LAB,
      node: 'controller',
      kind: 'serial',
      cols: 80,
      rows: 24,
    })
    try {
      // getty printed its prompt at boot, before anyone listened: Enter makes it ask again (under emulation
      // it may take seconds to; press again if it has not by then).
      const prompted = () => /login: /.test(out)
      await waitFor(
        async () => {
          await engine.api.call('console.write', { id: info.id, data: '\r' })
          return waitFor(prompted, { timeoutMs: 5000, intervalMs: 100 }).then(
            () => true,
            () => false,
          )
        },
        { timeoutMs: 60_000, intervalMs: 0, what: 'the login prompt' },
      )
      expect(out).toMatch(/Connected to domain '?ti-controller'?/)
      expect(out).toMatch(/controller(\.example\.com)? login: /)
    } finally {
      off()
      await engine.api.call('console.close', { id: info.id })
    }
  }, 120_000)
})
