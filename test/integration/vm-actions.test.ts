// VM actions as a hypervisor manager offers them, through the engine API against a real libvirtd (test
// driver, state kept across calls), each checked with real virsh: pause and resume, start all / stop all
// for a lab, the host's capacity, and the serial console of a VM outside any lab. Every call is also
// attacked (bad names, a VM that does not exist, a state where it cannot apply): a clear error, nothing
// changed.
import { statfsSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { LabStore } from '../../src-main/engine/lab/store'
import { LabDefinition, type LabState } from '../../src-shared/lab'
import { ConsoleProbe } from '../harness/console-client'
import { tempPaths } from '../helpers'
import { testDriverBed } from './test-driver'

const bed = testDriverBed()
const { virshCli, call, refused } = bed
/** The state as virsh itself says it (`domstate`), by UUID so no name is read as an option. */
const stateOf = (name: string) => {
  const uuid = virshCli('domuuid', '--domain', name).trim()
  return virshCli('domstate', '--domain', uuid).trim()
}
const define = (name: string, mac: string) => bed.define(name, mac, 512)

describe('pause and resume', () => {
  it('pauses a running VM and resumes it, as virsh sees it', async () => {
    await define('va-pause', '52:54:00:0a:00:01')
    await call('domain.start', { name: 'va-pause' })
    expect((await call('domain.pause', { name: 'va-pause' })).state).toBe('paused')
    expect(stateOf('va-pause')).toBe('paused')
    expect((await call('domain.resume', { name: 'va-pause' })).state).toBe('running')
    expect(stateOf('va-pause')).toBe('running')
  })

  it('refuses a state where the action cannot apply, names it, and changes nothing', async () => {
    // Running: resume does not apply.
    const notPaused = await refused('domain.resume', { name: 'va-pause' })
    expect(notPaused.code).toBe('invalid-state')
    expect(notPaused.message).toBe(
      'Cannot resume va-pause: va-pause is running; only a paused VM can be resumed. Nothing was changed.',
    )
    // A typed failure: the UI says it in the reader's language.
    expect(notPaused.failure).toMatchObject({ code: 'libvirt.invalid-state' })
    expect(stateOf('va-pause')).toBe('running')
    // Paused: pause does not apply.
    await call('domain.pause', { name: 'va-pause' })
    const twice = await refused('domain.pause', { name: 'va-pause' })
    expect(twice.code).toBe('invalid-state')
    expect(twice.message).toMatch(/va-pause is paused/)
    expect(stateOf('va-pause')).toBe('paused')
    // Shut off: neither applies.
    await call('domain.forceOff', { name: 'va-pause' })
    for (const m of ['domain.pause', 'domain.resume'] as const) {
      const e = await refused(m, { name: 'va-pause' })
      expect(e.code, m).toBe('invalid-state')
      expect(e.message, m).toMatch(/va-pause is shutoff/)
      expect(stateOf('va-pause')).toBe('shut off')
    }
  })

  it('refuses bad names and VMs that do not exist before anything runs', async () => {
    for (const m of ['domain.pause', 'domain.resume'] as const) {
      expect((await refused(m, { name: '' })).issues?.[0]?.path, m).toBe('name')
      expect((await refused(m, { name: 'x\u0000y' })).code, m).toBe('bad-request')
      expect((await refused(m, {})).code, m).toBe('bad-request')
      expect((await refused(m, { name: 'va-pause', extra: 1 })).code, m).toBe('bad-request')
      // Names virsh would read as an option or an ID are looked up as names, exactly: none exists.
      for (const name of ['--all', '1', 'va-nobody'])
        expect((await refused(m, { name })).code, `${m} ${name}`).toBe('not-found')
    }
    expect(stateOf('test')).toBe('running') // the test driver's own domain (ID 1) was not touched
  })
})

describe('start all / stop all for a lab', () => {
  let store: LabStore
  const nodes = { controller: 'va-lab-ctl', compute: 'va-lab-cmp' }

  beforeAll(async () => {
    await define(nodes.controller, '52:54:00:0a:01:01')
    await define(nodes.compute, '52:54:00:0a:01:02')
    store = new LabStore(tempPaths(bed.dir).data)
    const definition = LabDefinition.parse({
      name: 'valab',
      preset: 'debian-12-stacklab',
      release: 'test',
      domain: 'example.com',
      networks: [{ name: 'default', mode: 'nat', subnet: '192.168.122.0/24' }],
      nodes: [
        {
          name: 'controller',
          role: 'controller',
          vcpus: 1,
          memoryMiB: 4096,
          diskGiB: 10,
          nics: [{ network: 'default', ip: '192.168.122.100' }],
        },
        {
          name: 'compute',
          role: 'compute',
          vcpus: 1,
          memoryMiB: 4096,
          diskGiB: 10,
          nics: [{ network: 'default', ip: '192.168.122.110' }],
        },
        {
          name: 'spare',
          role: 'compute',
          vcpus: 1,
          memoryMiB: 4096,
          diskGiB: 10,
          nics: [{ network: 'default', ip: '192.168.122.120' }],
        },
      ],
    })
    const node = (n: string, domain: string, address: string) => ({
      domain,
      disk: `/nonexistent/${n}.qcow2`,
      macs: [],
      address,
      hostKeyFingerprint: 'SHA256:none',
    })
    const state: LabState = {
      version: 1,
      definition,
      status: 'ready',
      createdAt: new Date().toISOString(),
      stepsDone: [],
      resources: { networks: [], domains: Object.values(nodes), disks: [], intents: [] },
      nodes: {
        controller: node('controller', nodes.controller, '192.168.122.100'),
        compute: node('compute', nodes.compute, '192.168.122.110'),
        // Recorded, but its VM was removed outside Stacklab.
        spare: node('spare', 'va-lab-gone', '192.168.122.120'),
      },
      virtType: 'qemu',
      loginKeyFingerprint: null,
      lastError: null,
      ownerPid: null,
    }
    await store.save(state)
  })

  it('starts every VM of the lab (resuming a paused one) and stops them all', async () => {
    await call('domain.start', { name: nodes.compute })
    await call('domain.pause', { name: nodes.compute })
    const up = await call('lab.power', { name: 'valab', action: 'start' })
    expect(up.nodes).toEqual([
      { node: 'controller', domain: nodes.controller, outcome: 'started', detail: '' },
      { node: 'compute', domain: nodes.compute, outcome: 'resumed', detail: '' },
      {
        node: 'spare',
        domain: 'va-lab-gone',
        outcome: 'missing',
        detail: 'the VM va-lab-gone is not defined in libvirt',
      },
    ])
    expect(stateOf(nodes.controller)).toBe('running')
    expect(stateOf(nodes.compute)).toBe('running')
    expect(stateOf('test')).toBe('running') // not the lab's: untouched

    // Stop all, with one VM paused again (it is resumed first, so it can hear the shutdown).
    await call('domain.pause', { name: nodes.controller })
    const down = await call('lab.power', { name: 'valab', action: 'stop', timeoutMs: 5000 })
    expect(down.nodes.map((n) => [n.node, n.outcome])).toEqual([
      ['controller', 'shut-off'],
      ['compute', 'shut-off'],
      ['spare', 'missing'],
    ])
    expect(stateOf(nodes.controller)).toBe('shut off')
    expect(stateOf(nodes.compute)).toBe('shut off')
    expect(stateOf('test')).toBe('running')
    const again = await call('lab.power', { name: 'valab', action: 'stop', timeoutMs: 5000 })
    expect(again.nodes.slice(0, 2).map((n) => n.outcome)).toEqual(['already-off', 'already-off'])
  })

  it('refuses a bad lab name, an unknown lab, a bad action, and a lab with a job running', async () => {
    const bad = await refused('lab.power', { name: '../valab', action: 'start' })
    expect(bad.issues?.[0]?.path).toBe('name')
    expect((await refused('lab.power', { name: 'valab', action: 'destroy' })).issues?.[0]?.path).toBe(
      'action',
    )
    expect(
      (await refused('lab.power', { name: 'valab', action: 'stop', timeoutMs: 5 })).issues?.[0]?.path,
    ).toBe('timeoutMs')
    expect((await refused('lab.power', { name: 'nolab', action: 'start' })).code).toBe('not-found')
    // A lab another (live) engine process is working on: refused, nothing started.
    const state = (await store.get('valab'))!
    await store.save({ ...state, ownerPid: process.ppid })
    try {
      const busy = await refused('lab.power', { name: 'valab', action: 'start' })
      expect(busy.code).toBe('invalid-state')
      expect(busy.message).toMatch(/job running/)
      expect(stateOf(nodes.controller)).toBe('shut off')
    } finally {
      await store.save(state)
    }
  })
})

describe('host capacity', () => {
  it('reads CPUs and memory from libvirt and the free space where lab disks go', async () => {
    const images = bed.dir
    await bed.engine.call('settings.update', { imagesDir: images })
    const c = await call('libvirt.capacity', {})
    const nodeinfo = virshCli('nodeinfo')
    expect(c.cpus).toBe(Number(/^CPU\(s\):\s+(\d+)/m.exec(nodeinfo)![1]))
    expect(c.memoryKiB).toBe(Number(/^Memory size:\s+(\d+) KiB/m.exec(nodeinfo)![1]))
    expect(c.cpuModel).toBe(/^CPU model:\s+(\S+)/m.exec(nodeinfo)![1])
    // The test driver has no memory statistics: unknown, not made up.
    expect(c.memoryFreeKiB).toBeNull()
    expect(c.imagesDir).toBe(images)
    const fs = statfsSync(images)
    // Free space moves while other tests write; within 64 MiB of the filesystem's own figure.
    expect(Math.abs(c.diskFreeBytes! - fs.bavail * fs.bsize)).toBeLessThan(64 * 1024 * 1024)
    expect((await refused('libvirt.capacity', { uri: 'qemu:///system' })).code).toBe('bad-request')
  })
})

describe('serial console of a VM outside any lab', () => {
  it('opens `virsh console` on the VM by its name: virsh reaches it (the test driver then has none)', async () => {
    const info = await call('console.open', { domain: 'test', kind: 'serial', cols: 80, rows: 24 })
    expect(info).toMatchObject({ lab: '', node: 'test', domain: 'test', kind: 'serial' })
    const c = new ConsoleProbe(bed.engine, info.id)
    await c.waitUntil(() => c.exit !== null, 20_000)
    expect(c.text).not.toMatch(/controlling TTY/)
    expect(c.text).toContain("Connected to domain 'test'")
    expect(c.text).toMatch(/not supported/)
    await call('console.close', { id: info.id })
    c.dispose()
  })

  it('refuses an unknown VM, a name that is an option, SSH, and mixed or missing targets', async () => {
    for (const domain of ['va-nobody', '--help', '1']) {
      const e = await refused('console.open', { domain, kind: 'serial', cols: 80, rows: 24 })
      expect(e.code, domain).toBe('not-found')
    }
    const ssh = await refused('console.open', { domain: 'test', kind: 'ssh', cols: 80, rows: 24 })
    expect(ssh.issues?.[0]).toMatchObject({ path: 'kind' })
    const both = await refused('console.open', {
      domain: 'test',
      lab: 'valab',
      node: 'controller',
      kind: 'serial',
      cols: 80,
      rows: 24,
    })
    expect(both.issues?.[0]).toMatchObject({ path: 'domain' })
    const none = await refused('console.open', { kind: 'serial', cols: 80, rows: 24 })
    expect(none.issues?.map((i) => i.path)).toEqual(['lab', 'node'])
    expect((await refused('console.open', { domain: '', kind: 'serial', cols: 80, rows: 24 })).code).toBe(
      'bad-request',
    )
    expect(await call('consoles.list', {})).toEqual([]) // nothing was opened
  })
})
