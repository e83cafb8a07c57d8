// The libvirt engine against a real libvirtd (test driver, state kept across calls): domains, networks,
// snapshots, lab checkpoints, bad input refused before anything changes, and live events from changes made
// with real virsh outside the engine.
import { describe, expect, it } from 'vitest'
import type { CallInput, EventName, EventPayload } from '../../src-shared/api'
import { waitFor } from '../helpers'
import { testDriverBed } from './test-driver'

const bed = testDriverBed()
const { virshCli, call, refused } = bed

function waitForEvent<E extends EventName>(
  event: E,
  match: (p: EventPayload<E>) => boolean,
  timeoutMs = 5000,
): Promise<EventPayload<E>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`no ${event} event in ${timeoutMs} ms`))
    }, timeoutMs)
    const off = bed.engine.on(event, (p) => {
      if (!match(p)) return
      clearTimeout(timer)
      off()
      resolve(p)
    })
  })
}

const defineTestDomain = (name: string, mac: string) => bed.define(name, mac)

describe('domains', () => {
  it('lists domains with details read from XML', async () => {
    const list = await call('domains.list', {})
    const test = list.find((d) => d.name === 'test')!
    expect(test).toMatchObject({
      state: 'running',
      vcpus: 2,
      memoryMiB: 8192,
      persistent: true,
      type: 'test',
    })
    expect(test.disks[0]).toMatchObject({ target: 'vda', source: '/guest/diskimage1' })
    expect(test.nics[0]).toMatchObject({ mac: 'aa:bb:cc:dd:ee:ff', network: 'default' })
  })

  it('starts, reboots, forces off, shuts down, toggles autostart and deletes', async () => {
    await defineTestDomain('node1', '52:54:00:00:01:01')
    expect((await call('domain.get', { name: 'node1' })).state).toBe('shutoff')
    expect((await call('domain.start', { name: 'node1' })).state).toBe('running')
    expect((await call('domain.reboot', { name: 'node1' })).state).toBe('running')
    expect((await call('domain.forceOff', { name: 'node1' })).state).toBe('shutoff')
    await call('domain.start', { name: 'node1' })
    const down = await call('domain.shutdown', {
      name: 'node1',
      timeoutMs: 5000,
    })
    expect(down.outcome).toBe('shut-off')
    expect(down.domain.state).toBe('shutoff')
    expect((await call('domain.setAutostart', { name: 'node1', enabled: true })).autostart).toBe(true)
    expect((await call('domain.setAutostart', { name: 'node1', enabled: false })).autostart).toBe(false)
    // Its disk is a file no lab of Stacklab's made: kept, and said so (disk-removal.ts).
    const gone = await call('domain.delete', { name: 'node1', withDisks: true })
    expect(gone.removedDisks).toEqual([])
    expect(gone.keptDisks).toMatchObject([{ source: '/guest/node1.qcow2', reason: 'not-made-by-stacklab' }])
    expect((await call('domains.list', {})).map((d) => d.name)).not.toContain('node1')
  })

  it('says clearly what is wrong: unknown domain, wrong state, bad name', async () => {
    expect((await refused('domain.start', { name: 'no-such-vm' })).code).toBe('not-found')
    expect((await refused('domain.start', { name: 'test' })).code).toBe('invalid-state')
    // Any name libvirt allows may name a domain: these are names of domains that do not exist, never
    // commands or options to virsh (`test` is not rebooted, nothing is deleted).
    for (const name of ['vm;reboot test', '../etc', 'a b', "x'y", '-rf', '--all'])
      expect((await refused('domain.delete', { name, withDisks: true })).code, name).toBe('not-found')
    expect((await call('domain.get', { name: 'test' })).state).toBe('running')
    const bad = await refused('domain.delete', { name: '', withDisks: true })
    expect(bad.code).toBe('bad-request')
    expect(bad.issues?.[0]?.path).toBe('name')
  })
})

describe('networks', () => {
  const lab: CallInput<'network.create'> = {
    name: 'lab-int',
    mode: 'isolated',
    subnet: '192.168.90.0/24',
    dhcp: { start: '192.168.90.2', end: '192.168.90.99' },
    staticHosts: [{ mac: '52:54:00:90:00:64', ip: '192.168.90.100', name: 'controller' }],
  }

  it('creates an isolated internal network with DHCP and a static host, and edits it live', async () => {
    const net = await call('network.create', lab)
    expect(net).toMatchObject({
      name: 'lab-int',
      active: true,
      autostart: true,
      mode: 'isolated',
      subnet: '192.168.90.0/24',
      gateway: '192.168.90.1',
    })
    expect(net.dhcpRanges).toEqual([{ start: '192.168.90.2', end: '192.168.90.99' }])
    expect(net.staticHosts).toEqual([{ mac: '52:54:00:90:00:64', ip: '192.168.90.100', name: 'controller' }])

    const added = await call('network.addStaticHost', {
      name: 'lab-int',
      host: { mac: '52:54:00:90:00:6e', ip: '192.168.90.110', name: 'compute' },
    })
    expect(added.staticHosts.map((h) => h.name)).toEqual(['controller', 'compute'])
    // Persistent too: after a stop and start (rebuilt from the saved config) the host is still there.
    virshCli('net-destroy', 'lab-int')
    virshCli('net-start', 'lab-int')
    expect(virshCli('net-dumpxml', 'lab-int')).toContain("ip='192.168.90.110'")

    const ranged = await call('network.setDhcpRange', {
      name: 'lab-int',
      range: { start: '192.168.90.10', end: '192.168.90.50' },
    })
    expect(ranged.dhcpRanges).toEqual([{ start: '192.168.90.10', end: '192.168.90.50' }])
    const removed = await call('network.removeStaticHost', {
      name: 'lab-int',
      mac: '52:54:00:90:00:6e',
    })
    expect(removed.staticHosts.map((h) => h.name)).toEqual(['controller'])

    expect((await call('network.stop', { name: 'lab-int' })).active).toBe(false)
    expect((await call('network.setAutostart', { name: 'lab-int', enabled: false })).autostart).toBe(false)
    expect((await call('network.start', { name: 'lab-int' })).active).toBe(true)
    const leases = await call('network.leases', { name: 'lab-int' })
    expect(leases.supported).toBe(false) // the test driver has no DHCP server; the lab tests read real leases
  })

  it('refuses bad networks before creating anything, naming the field', async () => {
    const before = (await call('networks.list', {})).map((n) => n.name).sort()
    const cases: [unknown, string, RegExp][] = [
      [{ ...lab, name: 'lab/int' }, 'name', /letters, digits/],
      [
        { ...lab, name: 'other', subnet: '192.168.90.128/25' },
        'subnet',
        /overlaps 192.168.90.0\/24 of network lab-int/,
      ],
      [
        { ...lab, name: 'other', subnet: '192.168.122.0/25' },
        'subnet',
        /overlaps 192.168.122.0\/24 of network default/,
      ],
      [
        { ...lab, name: 'n2', subnet: '10.9.0.0/24', dhcp: undefined },
        'staticHosts.0.ip',
        /outside 10.9.0.0\/24/,
      ],
      [
        {
          ...lab,
          name: 'n3',
          subnet: '10.9.1.0/24',
          dhcp: { start: '10.9.1.2', end: '10.9.1.99' },
          staticHosts: [{ mac: '52:54:00:00:00:01', ip: '10.9.1.50', name: 'a' }],
        },
        'staticHosts.0.ip',
        /inside the DHCP range/,
      ],
      [
        {
          ...lab,
          name: 'n4',
          subnet: '10.9.2.0/24',
          dhcp: undefined,
          staticHosts: [
            { mac: '52:54:00:00:00:01', ip: '10.9.2.10', name: 'a' },
            { mac: '52:54:00:00:00:01', ip: '10.9.2.10', name: 'b' },
          ],
        },
        'staticHosts.1.mac',
        /already used by staticHosts.0/,
      ],
      [{ ...lab, name: 'n5', subnet: '10.9.3.5/24' }, 'subnet', /host bits zero/],
      [
        {
          ...lab,
          name: 'n6',
          subnet: '10.9.4.0/24',
          staticHosts: [{ mac: 'XX', ip: '10.9.4.9', name: 'a' }],
        },
        'staticHosts.0.mac',
        /MAC address/,
      ],
    ]
    for (const [input, path, message] of cases) {
      const e = await refused('network.create', input)
      expect(e.code).toBe('bad-request')
      const issue = e.issues?.find((i) => i.path === path)
      expect(issue, `${path} in ${JSON.stringify(e.issues)}`).toBeDefined()
      expect(issue!.message).toMatch(message)
    }
    const host = await refused('network.addStaticHost', {
      name: 'lab-int',
      host: { mac: '52:54:00:90:00:64', ip: '192.168.90.20', name: 'dup' },
    })
    expect(host.issues?.map((i) => i.path)).toEqual(['host.ip', 'host.mac'])
    const range = await refused('network.setDhcpRange', {
      name: 'lab-int',
      range: { start: '192.168.90.90', end: '192.168.90.120' },
    })
    expect(range.issues?.[0]?.message).toMatch(/contains the static address 192.168.90.100 of controller/)
    expect((await call('networks.list', {})).map((n) => n.name).sort()).toEqual(before)
  })

  it('deletes a network it created', async () => {
    await call('network.delete', { name: 'lab-int' })
    expect((await call('networks.list', {})).map((n) => n.name)).not.toContain('lab-int')
  })
})

describe('snapshots', () => {
  it('creates a tree, marks the current one, reverts and deletes', async () => {
    await defineTestDomain('snapvm', '52:54:00:00:02:01')
    await call('domain.start', { name: 'snapvm' })
    const support = await call('snapshot.support', { name: 'snapvm' })
    expect(support.internal.supported).toBe(true)
    expect(support.external.supported).toBe(false)
    await call('snapshot.create', { domain: 'snapvm', name: 'before-install', description: 'clean OS' })
    await call('snapshot.create', { domain: 'snapvm', name: 'after-install' })
    let tree = await call('snapshots.list', { name: 'snapvm' })
    expect(tree.map((s) => [s.name, s.parent, s.current, s.state])).toEqual([
      ['before-install', null, false, 'running'],
      ['after-install', 'before-install', true, 'running'],
    ])
    expect(tree[0]!.children).toEqual(['after-install'])
    expect(tree[0]!.description).toBe('clean OS')
    expect(
      (await refused('snapshot.create', { domain: 'snapvm', name: 'before-install' })).issues?.[0]?.path,
    ).toBe('name')
    expect(
      (await refused('snapshot.create', { domain: 'snapvm', name: 'x', kind: 'external' })).issues?.[0]?.path,
    ).toBe('kind')

    await call('domain.forceOff', { name: 'snapvm' })
    const reverted = await call('snapshot.revert', { domain: 'snapvm', name: 'before-install' })
    expect(reverted.state).toBe('running')
    tree = await call('snapshots.list', { name: 'snapvm' })
    expect(tree.find((s) => s.current)?.name).toBe('before-install')
    expect(
      (
        await call('snapshot.revert', {
          domain: 'snapvm',
          name: 'after-install',
          state: 'paused',
        })
      ).state,
    ).toBe('paused')
    await call('snapshot.delete', { domain: 'snapvm', name: 'after-install' })
    expect((await call('snapshots.list', { name: 'snapvm' })).map((s) => s.name)).toEqual(['before-install'])
    await call('domain.delete', { name: 'snapvm', withDisks: false })
  })
})

describe('lab checkpoints', () => {
  const domains = ['ctl', 'cmp']

  it('takes one checkpoint across the lab with every VM paused at once, and restores it as one action', async () => {
    await defineTestDomain('ctl', '52:54:00:00:03:01')
    await defineTestDomain('cmp', '52:54:00:00:03:02')
    await call('domain.start', { name: 'ctl' })
    await call('domain.start', { name: 'cmp' })
    const connected = waitForEvent('libvirt.connection', (c) => c.state === 'connected')
    if ((await call('libvirt.connection', {})).state !== 'connected') await connected
    const seen: string[] = []
    const off = bed.engine.on('libvirt.lifecycle', (e) => {
      if (domains.includes(e.name)) seen.push(`${e.name}:${e.event}`)
    })
    const cp = await call('checkpoint.create', {
      domains,
      name: 'fresh',
      description: 'before packstack',
    })
    // Every VM paused and resumed: wait for the last of those events.
    await waitFor(() => domains.every((d) => seen.includes(`${d}:Resumed`)), {
      timeoutMs: 10_000,
      what: "both VMs' Resumed events",
    })
    off()
    expect(cp.members).toEqual([
      { domain: 'ctl', state: 'running' },
      { domain: 'cmp', state: 'running' },
    ])
    // Both paused before either resumed: the two snapshots show the same moment.
    const firstResume = seen.findIndex((s) => s.endsWith(':Resumed'))
    expect(
      seen
        .slice(0, firstResume)
        .filter((s) => s.endsWith(':Suspended'))
        .sort(),
    ).toEqual(['cmp:Suspended', 'ctl:Suspended'])
    for (const d of domains) expect((await call('domain.get', { name: d })).state).toBe('running')

    const list = await call('checkpoints.list', { domains })
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ name: 'fresh', description: 'before packstack', complete: true })

    await call('domain.forceOff', { name: 'cmp' })
    await call('domain.forceOff', { name: 'ctl' })
    await call('checkpoint.restore', { domains, name: 'fresh' })
    for (const d of domains) expect((await call('domain.get', { name: d })).state).toBe('running')
  })

  it('refuses a clashing name or an unknown VM, and deletes the checkpoint everywhere', async () => {
    expect((await refused('checkpoint.create', { domains, name: 'fresh' })).issues?.[0]?.message).toMatch(
      /already has a snapshot named fresh/,
    )
    expect(
      (await refused('checkpoint.create', { domains: ['ctl', 'ghost'], name: 'x' })).issues?.[0]?.message,
    ).toMatch(/no domain named ghost/)
    expect((await refused('checkpoint.restore', { domains, name: 'nope' })).code).toBe('bad-request')
    await call('checkpoint.delete', { domains, name: 'fresh' })
    expect(await call('checkpoints.list', { domains })).toEqual([])
    for (const d of domains) expect(await call('snapshots.list', { name: d })).toEqual([])
    for (const d of domains) await call('domain.delete', { name: d, withDisks: false })
  })
})

describe('live events', () => {
  it('turns changes made outside the engine into typed events, without polling', async () => {
    await call('libvirt.connection', {})
    await defineTestDomain('evvm', '52:54:00:00:04:01')
    const started = waitForEvent(
      'libvirt.domain',
      (e) => e.domain.name === 'evvm' && e.domain.state === 'running',
    )
    virshCli('start', 'evvm')
    expect((await started).domain.vcpus).toBe(2)
    const stopped = waitForEvent(
      'libvirt.domain',
      (e) => e.domain.name === 'evvm' && e.domain.state === 'shutoff',
    )
    virshCli('destroy', 'evvm')
    expect((await stopped).domain.reason).toBe('destroyed')
    const removed = waitForEvent('libvirt.domainRemoved', (e) => e.name === 'evvm')
    virshCli('undefine', 'evvm')
    await removed
    const netDown = waitForEvent('libvirt.network', (e) => e.network.name === 'default' && !e.network.active)
    virshCli('net-destroy', 'default')
    await netDown
    const netUp = waitForEvent('libvirt.network', (e) => e.network.name === 'default' && e.network.active)
    virshCli('net-start', 'default')
    await netUp
  })
})
