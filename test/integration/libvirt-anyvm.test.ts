// Any host, any VM: domains, networks, volumes and snapshots defined through real `virsh define`/`net-define`
// on libvirt's test driver the way other tools make them (test/fixtures/libvirt/objects.ts), read back and
// acted on through the engine. Every interface and disk kind shows with what it connects to; names with
// quotes, backslashes, leading dashes, spaces, tabs, Unicode, every printable character, and the name `1`
// work in every call, batch or not; one domain Stacklab cannot read never hides the rest, in the list or in
// the live events; deleting with disks removes only what is safe and lists the rest.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Engine } from '../../src-main/engine/engine'
import { createRun } from '../../src-main/engine/exec'
import { virshBatch } from '../../src-main/engine/libvirt/batch'
import { domainDelete } from '../../src-main/engine/libvirt/domain'
import { ValidationError } from '../../src-main/engine/libvirt/network'
import { parseDomifaddr } from '../../src-main/engine/libvirt/assemble'
import { createVirsh } from '../../src-main/engine/libvirt/virsh'
import { LabStore } from '../../src-main/engine/lab/store'
import { nullLogger } from '../../src-main/engine/log'
import type { CallName, LabApi } from '../../src-shared/api'
import { ApiError } from '../../src-shared/errors'
import { defaultLab, LabDefinition, type LabState } from '../../src-shared/lab'
import type { DomainInfo } from '../../src-shared/libvirt'
import {
  DEEP_LEVELS,
  FUTURE_SNAPSHOT,
  KINDS_DOMAIN,
  LONG_NAME,
  LONG_NETWORK,
  ODD_NAMES,
  QUOTED_NETWORK,
  SNAPSHOT_DOMAIN,
  SNAPSHOT_NAMES,
  TEST_DOMAIN_UUID,
  UNUSED_UUID,
  VOLUME,
  defineAll,
  esc,
  removeAll,
  uuidOf,
  virshAt,
} from '../fixtures/libvirt/objects'
import { rejection, tempDir, testEngine } from '../helpers'

const { testUri } = inject('libvirt')
const cli = virshAt(testUri)
const virsh = createVirsh(createRun(nullLogger), testUri)
let t: ReturnType<typeof tempDir>
let engine: Engine

const call: LabApi['call'] = (method, input) => engine.api.call(method, input)
/** A call refused by the engine's gate (through the raw gate: some inputs are malformed on purpose). */
const refused = (method: CallName, input: unknown) => rejection(engine.call(method, input), ApiError)
const stateOf = (name: string) =>
  cli('domstate', '--domain', uuidOf(cli, name)).trim().replace('shut off', 'shutoff')

beforeAll(async () => {
  t = tempDir()
  engine = testEngine(t.dir)
  await engine.call('settings.update', { connectionUri: testUri })
  removeAll(cli)
  defineAll(cli)
})
afterAll(async () => {
  await engine.close()
  removeAll(cli)
  t.cleanup()
})

describe('reading whatever the host has', () => {
  it('lists every domain with its exact name, each read on its own', async () => {
    const list = await call('domains.list', {})
    const byName = new Map(list.map((d) => [d.name, d]))
    for (const name of ODD_NAMES) {
      const d = byName.get(name)
      expect(d, JSON.stringify(name)).toBeDefined()
      expect(d!.problem).toBeNull()
      expect(d!.uuid).toBe(uuidOf(cli, name))
      expect(d!.nics.map((n) => n.network)).toEqual(['default'])
    }
    // Another tool's metadata (`constructor`, `__proto__`...) and the deepest metadata libvirt takes.
    expect(byName.get("Bob's VM")!.problem).toBeNull()
    expect(cli('dumpxml', '--domain', uuidOf(cli, 'anyvm-deep')).split('<x:a').length - 1).toBe(DEEP_LEVELS)
    expect(byName.get('anyvm-deep')!.problem).toBeNull()
    expect(byName.get('test')).toMatchObject({ state: 'running', problem: null })
    expect(byName.get('anyvm-on-quoted')!.nics[0]!.network).toBe(QUOTED_NETWORK)
  })

  it('shows every interface kind with what it connects to, and the addresses libvirt reports', async () => {
    const d = await call('domain.get', { name: KINDS_DOMAIN })
    expect(d.state).toBe('running')
    expect(d.nics.map((n) => [n.type, n.network, n.bridge, n.source])).toEqual([
      ['network', 'default', 'virbr0', null],
      // virbr0 belongs to the `default` network: the bridge NIC is on it.
      ['bridge', 'default', 'virbr0', null],
      ['bridge', null, 'br-host', null],
      ['user', null, null, null],
      ['direct', null, null, 'eth0 (bridge)'],
      ['direct', null, null, 'eth1 (vepa)'],
      ['ethernet', null, null, null],
      ['vhostuser', null, null, '/tmp/vhost.sock (client)'],
      ['hostdev', null, null, 'pci 0000:03:00.1'],
      ['vdpa', null, null, '/dev/vhost-vdpa-0'],
      ['mcast', null, null, '230.0.0.1:5558'],
      ['udp', null, null, '192.168.1.1:5555 (local 127.0.0.1:6666)'],
      ['server', null, null, '192.168.0.1:5558'],
      ['client', null, null, '192.168.0.1:5558'],
    ])
    // The addresses `virsh domifaddr --source arp` reports (the test driver answers for every NIC).
    const seen = parseDomifaddr(cli('domifaddr', '--domain', uuidOf(cli, KINDS_DOMAIN), '--source', 'arp'))
    expect(seen.length).toBe(d.nics.length)
    for (const nic of d.nics)
      expect(nic.addresses).toEqual(
        expect.arrayContaining(seen.filter((s) => s.mac === nic.mac).map((s) => s.ip)),
      )
  })

  it('shows every disk kind with its source; a volume through its pool, never its bare name', async () => {
    const d = await call('domain.get', { name: KINDS_DOMAIN })
    const by = (target: string) => d.disks.find((x) => x.target === target)!
    const volumePath = cli('vol-path', '--pool', VOLUME.pool, '--vol', VOLUME.name).trim()
    expect(volumePath).toMatch(/^\//)
    expect(by('vdg')).toMatchObject({
      type: 'volume',
      pool: VOLUME.pool,
      volume: VOLUME.name,
      source: volumePath,
    })
    expect(by('vdd')).toMatchObject({
      type: 'network',
      protocol: 'rbd',
      hosts: ['mon1.example:6789', '10.0.0.2:6789'],
    })
    expect(by('vde')).toMatchObject({ type: 'network', protocol: 'iscsi' })
    expect(by('vdf')).toMatchObject({ type: 'network', protocol: 'nbd', name: 'export1' })
    expect(by('sda')).toMatchObject({ device: 'cdrom', protocol: 'http', name: '/images/boot.iso' })
    expect(by('vdb')).toMatchObject({ type: 'block', source: '/dev/sdb' })
    expect(by('vdc')).toMatchObject({ type: 'dir', source: '/srv/share' })
    expect(by('vdh')).toMatchObject({ type: 'nvme', detail: 'pci 0000:01:00.0 namespace 1' })
  })

  it("reads networks without a netmask, with several IPv4 blocks, and with another tool's metadata", async () => {
    const nets = await call('networks.list', {})
    const by = (name: string) => nets.find((n) => n.name === name)!
    expect(by('anyvm-nomask')).toMatchObject({ subnet: '172.20.0.0/16', problem: null })
    expect(by('anyvm-multi').ipv4.map((b) => b.subnet)).toEqual(['10.81.0.0/24', '10.82.0.0/16'])
    expect(by('anyvm-multi').dhcpRanges).toHaveLength(2)
    expect(by(QUOTED_NETWORK)).toMatchObject({ active: true, bridge: 'anyvmbr4', problem: null })
  })

  it('reads snapshot trees whatever the names, a line break and a date past JavaScript dates included', async () => {
    const tree = await call('snapshots.list', { name: SNAPSHOT_DOMAIN })
    expect(tree.map((s) => s.name).sort()).toEqual([...SNAPSHOT_NAMES, FUTURE_SNAPSHOT].sort())
    expect(tree.every((s) => s.problem === null)).toBe(true)
    const byName = new Map(tree.map((s) => [s.name, s]))
    expect(byName.get('two\nlines')!.parent).toBe(SNAPSHOT_NAMES[0])
    expect(byName.get('--child')!.parent).toBe('two\nlines')
    expect(byName.get(FUTURE_SNAPSHOT)).toMatchObject({ createdAt: '', current: true })
    // The tree's order: every parent before its children.
    const at = (n: string) => tree.findIndex((s) => s.name === n)
    expect(at(SNAPSHOT_NAMES[0]!)).toBeLessThan(at('two\nlines'))
    expect(at('two\nlines')).toBeLessThan(at('--child'))
  })

  it('gives the raw XML of a domain, a network and a snapshot, as virsh prints it', async () => {
    const uuid = uuidOf(cli, SNAPSHOT_DOMAIN)
    expect((await call('domain.xml', { uuid })).xml).toBe(cli('dumpxml', '--domain', uuid))
    const net = (await call('networks.list', {})).find((n) => n.name === QUOTED_NETWORK)!
    expect((await call('network.xml', { uuid: net.uuid })).xml).toContain(
      `<name>${esc(QUOTED_NETWORK)}</name>`,
    )
    expect((await call('snapshot.xml', { domain: SNAPSHOT_DOMAIN, name: 'two\nlines' })).xml).toContain(
      '<name>two\nlines</name>',
    )
    expect((await refused('domain.xml', { uuid: 'not-a-uuid' })).issues?.[0]?.path).toBe('uuid')
    // `test` has this UUID and another domain is named so: each call gets its own.
    const named = uuidOf(cli, TEST_DOMAIN_UUID)
    expect((await call('domain.xml', { uuid: TEST_DOMAIN_UUID })).xml).toContain('<name>test</name>')
    expect((await call('domain.xml', { uuid: named })).xml).toContain(`<name>${TEST_DOMAIN_UUID}</name>`)
    // No domain has this UUID but one is named so: virsh would answer with that one; the engine does not.
    expect((await refused('domain.xml', { uuid: UNUSED_UUID })).code).toBe('not-found')
  })
})

describe('names as libvirt allows them, in every call', () => {
  it('quotes every character for virsh’s own parser: a batch of lookups by odd names answers each one', async () => {
    const names = [...ODD_NAMES, "'", "''", '\\', '"', '#', ';', ' ']
    const out = await virshBatch(
      virsh,
      names.map((n) => ['echo', '--', n]),
    )
    // `echo` prints its arguments as virsh parsed them: each name comes back exactly.
    expect(out.map((o) => o?.replace(/\n$/, ''))).toEqual(names)
    const uuids = await virshBatch(
      virsh,
      ODD_NAMES.map((n) => ['domuuid', '--domain', n]),
    )
    // `domuuid` takes a name or an ID: `1` is the running `test` domain's ID. The engine never looks a
    // domain up by name in virsh.
    ODD_NAMES.forEach((n, i) => {
      expect(uuids[i]?.trim(), n).toBe(n === '1' ? TEST_DOMAIN_UUID : uuidOf(cli, n))
    })
  })

  it('starts, forces off and toggles autostart of each domain by its exact name, touching no other', async () => {
    expect(stateOf('test')).toBe('running')
    for (const name of ODD_NAMES) {
      expect((await call('domain.start', { name })).state, name).toBe('running')
      expect(stateOf(name)).toBe('running')
      expect((await call('domain.setAutostart', { name, enabled: true })).autostart).toBe(true)
      expect((await call('domain.forceOff', { name })).state, name).toBe('shutoff')
      expect(stateOf(name)).toBe('shutoff')
    }
    // `virsh destroy 1` would have stopped `test` (ID 1): it still runs.
    expect(stateOf('test')).toBe('running')
  })

  it('never lets a name act as a virsh option', async () => {
    // `virsh start --version` prints the version and succeeds; as a name it is a domain that does not exist.
    for (const name of ['--version', '--help=x', '-h']) {
      expect((await refused('domain.start', { name })).code, name).toBe('not-found')
      expect((await refused('network.start', { name })).code, name).toBe('not-found')
    }
    expect((await refused('domain.start', { name: '' })).code).toBe('bad-request')
    expect((await refused('domain.start', { name: 'a\u0000b' })).issues?.[0]?.path).toBe('name')
    expect((await refused('domain.start', { name: 'x'.repeat(1025) })).issues?.[0]?.path).toBe('name')
  })

  it('stops, starts and edits a network by an odd name, and takes snapshots of an odd-named domain', async () => {
    expect((await call('network.stop', { name: QUOTED_NETWORK })).active).toBe(false)
    expect((await call('network.start', { name: QUOTED_NETWORK })).active).toBe(true)
    expect((await call('network.setAutostart', { name: QUOTED_NETWORK, enabled: true })).autostart).toBe(true)
    const host = { mac: '52:54:00:83:00:05', ip: '10.83.0.5', name: 'five' }
    const added = await call('network.addStaticHost', { name: QUOTED_NETWORK, host })
    expect(added.staticHosts).toEqual([host])
    const multi = await refused('network.addStaticHost', {
      name: 'anyvm-multi',
      host: { mac: '52:54:00:81:00:09', ip: '10.81.0.9', name: 'nine' },
    })
    expect(multi.issues?.[0]?.message).toMatch(/2 IPv4 address blocks/)

    const vm = 'back\\slash'
    await call('snapshot.create', { domain: vm, name: 'first' })
    await call('snapshot.create', { domain: vm, name: 'second' })
    expect((await call('snapshots.list', { name: vm })).map((s) => s.name)).toEqual(['first', 'second'])
    expect((await call('snapshot.revert', { domain: vm, name: 'first' })).name).toBe(vm)
    await call('snapshot.delete', { domain: vm, name: 'second' })
    await call('snapshot.delete', { domain: SNAPSHOT_DOMAIN, name: '--child' })
    expect((await call('snapshots.list', { name: SNAPSHOT_DOMAIN })).map((s) => s.name)).not.toContain(
      '--child',
    )
  })
})

describe('one object Stacklab cannot read never hides the rest', () => {
  it('shows a domain whose name it cannot use, marked, among all the others', async () => {
    const list = await call('domains.list', {})
    const long = list.find((d) => d.name === LONG_NAME)!
    expect(long.problem?.message).toMatch(/at most 1024 characters/)
    expect(long.uuid).toBe(uuidOf(cli, LONG_NAME))
    // Everything else is there, read in full.
    const all = cli('list', '--all', '--uuid')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
    expect(list.map((d) => d.uuid).sort()).toEqual(all.sort())
    expect(list.filter((d) => d.problem).map((d) => d.name)).toEqual([LONG_NAME])
    // Its raw XML is still there to read, by UUID.
    expect((await call('domain.xml', { uuid: long.uuid })).xml).toContain(LONG_NAME)
    // The same for a network.
    const nets = await call('networks.list', {})
    expect(nets.find((n) => n.name === LONG_NETWORK)?.problem?.message).toMatch(/at most 1024 characters/)
    expect(nets.filter((n) => n.problem).map((n) => n.name)).toEqual([LONG_NETWORK])
    expect(nets.find((n) => n.name === 'default')?.problem).toBeNull()
  })

  it('sends every domain in the live picture, the unreadable one marked, and follows changes to odd names', async () => {
    const seen = new Map<string, DomainInfo>()
    const off = engine.on('libvirt.domain', (e) => seen.set(e.domain.name, e.domain))
    const service = await engine.libvirt()
    await service.resync()
    expect(seen.get(LONG_NAME)?.problem).not.toBeNull()
    for (const name of ODD_NAMES) expect(seen.get(name)?.problem, name).toBeNull()
    // A change made beside the engine, to a domain whose name holds a quote: the event stream follows it.
    const started = new Promise<DomainInfo>((resolve) => {
      const stop = engine.on('libvirt.domain', (e) => {
        if (e.domain.name === "Bob's VM" && e.domain.state === 'running') {
          stop()
          resolve(e.domain)
        }
      })
    })
    if (service.state().state !== 'connected')
      await new Promise<void>((resolve) => {
        const stop = engine.on('libvirt.connection', (c) => {
          if (c.state === 'connected') {
            stop()
            resolve()
          }
        })
      })
    cli('start', '--domain', uuidOf(cli, "Bob's VM"))
    expect((await started).uuid).toBe(uuidOf(cli, "Bob's VM"))
    off()
  })
})

describe('deleting a VM with its disks removes only what is safe', () => {
  it('removes the file Stacklab made and the pool volume; keeps and lists every other disk', async () => {
    const dir = join(t.dir, 'images')
    mkdirSync(dir, { recursive: true })
    const made = join(dir, 'made-by-stacklab.qcow2')
    const foreign = join(dir, 'made-by-someone-else.qcow2')
    writeFileSync(made, 'disk')
    writeFileSync(foreign, 'disk')
    // Stacklab's lab records list `made` as a disk it made, for this VM (a lab node deleted from its details;
    // another lab's disk would refuse the whole delete, see test/security/disks.test.ts).
    const definition = LabDefinition.parse(defaultLab('anyvmlab'))
    const state: LabState = {
      version: 1,
      definition,
      status: 'ready',
      createdAt: new Date().toISOString(),
      stepsDone: [],
      resources: { networks: [], domains: [KINDS_DOMAIN], disks: [made], intents: [] },
      nodes: {},
      virtType: 'qemu',
      loginKeyFingerprint: null,
      lastError: null,
      ownerPid: null,
    }
    await new LabStore(join(t.dir, 'data')).save(state)
    const xml = cli('dumpxml', '--domain', uuidOf(cli, KINDS_DOMAIN)).replace(
      '</devices>',
      `<disk type='file' device='disk'><source file='${made}'/><target dev='vdx' bus='virtio'/></disk>` +
        `<disk type='file' device='disk'><source file='${foreign}'/><target dev='vdy' bus='virtio'/></disk></devices>`,
    )
    const file = join(dir, 'kinds.xml')
    writeFileSync(file, xml)
    cli('define', '--file', file)
    const result = await call('domain.delete', { name: KINDS_DOMAIN, withDisks: true })
    const volumePath = '/default-pool/' + VOLUME.name
    expect(result.removedDisks.sort()).toEqual([made, volumePath].sort())
    expect(existsSync(made)).toBe(false)
    expect(existsSync(foreign)).toBe(true)
    expect(cli('vol-list', '--pool', VOLUME.pool)).not.toContain(VOLUME.name)
    const kept = Object.fromEntries(result.keptDisks.map((k) => [k.target, k.reason]))
    expect(kept).toEqual({
      vda: 'not-made-by-stacklab',
      vdi: 'unresolved-path',
      vdb: 'not-a-file',
      vdc: 'not-a-file',
      vdd: 'not-a-file',
      vde: 'not-a-file',
      vdf: 'not-a-file',
      vdh: 'not-a-file',
      sda: 'not-a-disk',
      vdy: 'not-made-by-stacklab',
    })
    expect(cli('list', '--all', '--name')).not.toContain(KINDS_DOMAIN)
  })

  it('refuses to delete with disks a domain whose disks it cannot know, before changing anything', async () => {
    const e = await rejection(
      domainDelete(virsh, LONG_NAME, true, () => true),
      ValidationError,
    )
    expect(e.issues?.[0]?.path).toBe('withDisks')
    expect(cli('list', '--all', '--uuid')).toContain(uuidOf(cli, LONG_NAME))
  })
})
