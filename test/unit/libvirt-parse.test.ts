// Pure parsers and generators of the libvirt layer, on fixture text: event lines, domstats, leases,
// network/domain/snapshot XML, the batch quoting, and the network rules.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseEventLine } from '../../src-main/engine/libvirt/events'
import { parseDomstats } from '../../src-main/engine/libvirt/assemble'
import { parseLeases } from '../../src-main/engine/libvirt/network'
import { networkXml, parseNetworkXml } from '../../src-main/engine/libvirt/network-xml'
import { domainXml, parseDomainXml } from '../../src-main/engine/libvirt/domain-xml'
import { parseSnapshotXml } from '../../src-main/engine/libvirt/snapshot-xml'
import {
  networkCreateIssues,
  staticHostIssues,
  dhcpRangeIssues,
} from '../../src-main/engine/libvirt/network-rules'
import { batchScript, quoteForVirsh } from '../../src-main/engine/libvirt/batch'
import { parseCidr, subnetsOverlap, parseIpv4 } from '../../src-shared/ipv4'
import type { NetworkInfo } from '../../src-shared/libvirt'

describe('event lines', () => {
  it.each([
    [
      "event 'lifecycle' for domain 'controller': Started Booted",
      { object: 'domain', name: 'controller', event: 'Started', detail: 'Booted' },
    ],
    [
      "2026-11-22 02:30:01.123+0000: event 'lifecycle' for domain 'vm.1': Stopped Destroyed",
      { object: 'domain', name: 'vm.1', event: 'Stopped', detail: 'Destroyed' },
    ],
    [
      "event 'reboot' for domain 'compute'",
      { object: 'domain', name: 'compute', event: 'reboot', detail: '' },
    ],
    [
      "event 'lifecycle' for network default: Stopped",
      { object: 'network', name: 'default', event: 'Stopped', detail: '' },
    ],
    [
      "event 'lifecycle' for network lab-int: Started",
      { object: 'network', name: 'lab-int', event: 'Started', detail: '' },
    ],
  ])('%s', (line, expected) => expect(parseEventLine(line)).toEqual(expected))
  it('ignores other lines', () => {
    expect(parseEventLine('events received: 3')).toBeNull()
    expect(parseEventLine('')).toBeNull()
  })
})

describe('domstats', () => {
  it('maps state and reason codes to words', () => {
    const stats = parseDomstats(
      "Domain: 'a'\n  state.state=1\n  state.reason=1\n\nDomain: 'b'\n  state.state=5\n  state.reason=2\n\nDomain: 'c'\n  state.state=3\n  state.reason=1\n",
    )
    expect(Object.fromEntries(stats)).toEqual({
      a: { state: 'running', reason: 'booted' },
      b: { state: 'shutoff', reason: 'destroyed' },
      c: { state: 'paused', reason: 'user' },
    })
  })
})

describe('leases', () => {
  it('reads IPv4 leases from the net-dhcp-leases table', () => {
    expect(parseLeases(readFileSync('test/fixtures/libvirt/leases.txt', 'utf8'))).toEqual([
      {
        expires: '2026-11-22 03:10:41',
        mac: '52:54:00:5a:1b:01',
        ip: '192.168.122.100',
        hostname: 'controller',
      },
      { expires: '2026-11-22 03:11:02', mac: '52:54:00:5a:1b:02', ip: '192.168.122.110', hostname: null },
    ])
  })
})

describe('XML', () => {
  it('round-trips a network Stacklab defines', () => {
    const xml = networkXml({
      name: 'lab-int',
      mode: 'isolated',
      subnet: '192.168.90.0/24',
      bridge: 'virbr90',
      dhcp: { start: '192.168.90.2', end: '192.168.90.99' },
      staticHosts: [{ mac: '52:54:00:90:00:64', ip: '192.168.90.100', name: 'controller' }],
    })
    expect(xml).not.toContain('<forward')
    const info = parseNetworkXml(xml, { active: true, autostart: false, persistent: true })
    expect(info).toMatchObject({
      name: 'lab-int',
      mode: 'isolated',
      bridge: 'virbr90',
      subnet: '192.168.90.0/24',
      gateway: '192.168.90.1',
    })
    expect(info.staticHosts).toEqual([{ mac: '52:54:00:90:00:64', ip: '192.168.90.100', name: 'controller' }])
    expect(
      parseNetworkXml(networkXml({ name: 'n', mode: 'nat', subnet: '10.1.0.0/16', staticHosts: [] }), {
        active: false,
        autostart: false,
        persistent: true,
      }).mode,
    ).toBe('nat')
  })

  it('generates node XML with two virtio NICs, a serial console, and the CPU mode for KVM or emulation', () => {
    const spec = {
      name: 'controller',
      vcpus: 4,
      memoryMiB: 8192,
      disks: [
        { path: '/var/lib/libvirt/images/lab/controller.qcow2', format: 'qcow2' as const, target: 'vda' },
      ],
      nics: [
        { network: 'default', mac: '52:54:00:00:00:01' },
        { network: 'lab-int', mac: '52:54:00:00:00:02' },
      ],
    }
    const kvm = domainXml({ ...spec, type: 'kvm' })
    expect(kvm).toContain('<cpu mode="host-passthrough"')
    const qemu = domainXml({ ...spec, type: 'qemu' })
    expect(qemu).toContain('<domain type="qemu">')
    expect(qemu).not.toContain('host-passthrough')
    const facts = parseDomainXml(qemu)
    expect(facts).toMatchObject({
      name: 'controller',
      type: 'qemu',
      vcpus: 4,
      memoryMiB: 8192,
      serialConsole: true,
    })
    const nic = { type: 'network', bridge: null, source: null, target: null, model: 'virtio' }
    expect(facts.nics).toEqual([
      { ...nic, mac: '52:54:00:00:00:01', network: 'default' },
      { ...nic, mac: '52:54:00:00:00:02', network: 'lab-int' },
    ])
    expect(facts.disks[0]).toMatchObject({
      format: 'qcow2',
      bus: 'virtio',
      source: '/var/lib/libvirt/images/lab/controller.qcow2',
    })
    // A data disk is the second virtio disk, vdb.
    const data = { path: '/var/lib/libvirt/images/lab/controller.data.qcow2', format: 'qcow2' as const }
    const two = parseDomainXml(
      domainXml({ ...spec, type: 'qemu', disks: [...spec.disks, { ...data, target: 'vdb' }] }),
    )
    expect(two.disks.map((d) => [d.source, d.target])).toEqual([
      ['/var/lib/libvirt/images/lab/controller.qcow2', 'vda'],
      [data.path, 'vdb'],
    ])
  })

  it('escapes values in generated XML', () => {
    expect(
      domainXml({
        name: 'x',
        type: 'test',
        vcpus: 1,
        memoryMiB: 1,
        disks: [],
        nics: [],
        description: `a<b & "c"`,
      }),
    ).toContain('a&lt;b &amp; &quot;c&quot;')
  })

  it('reads snapshot kind, parent and state', () => {
    const s = parseSnapshotXml(
      `<domainsnapshot><name>fresh</name><description>stacklab-checkpoint {"a":1}</description><state>paused</state><parent><name>root</name></parent><creationTime>1795313449</creationTime><memory snapshot='internal'/><disks><disk name='vda' snapshot='internal'/></disks></domainsnapshot>`,
    )
    expect(s).toEqual({
      name: 'fresh',
      description: 'stacklab-checkpoint {"a":1}',
      parent: 'root',
      state: 'paused',
      createdAt: new Date(1795313449000).toISOString(),
      memory: true,
      kind: 'internal',
    })
  })
})

describe('batchScript', () => {
  it('puts commands in one virsh argument between markers, quoting what is not a plain token', () => {
    expect(
      batchScript(
        [
          ['dumpxml', '--domain', 'a'],
          ['net-update', '--network', 'n', '--xml', '<host mac="x"/>'],
        ],
        'ab12',
      ),
    ).toBe(
      `echo @@stacklab-ab12-0@@ ; dumpxml --domain a ; echo @@stacklab-ab12-1@@ ; net-update --network n --xml '<host mac="x"/>' ; echo @@stacklab-ab12-2@@`,
    )
  })
  it("quotes a single quote as '\\'' and leaves every other character literal inside single quotes", () => {
    expect(quoteForVirsh("Bob's VM")).toBe(`'Bob'\\''s VM'`)
    expect(quoteForVirsh('back\\slash')).toBe(`'back\\slash'`)
    expect(quoteForVirsh('#hash')).toBe(`'#hash'`)
    expect(quoteForVirsh('semi;colon')).toBe(`'semi;colon'`)
    expect(quoteForVirsh('')).toBe(`''`)
    // What the real virsh reads back from these is checked in test/integration/libvirt-anyvm.test.ts.
  })
})

describe('network rules', () => {
  const existing: NetworkInfo[] = [
    {
      name: 'default',
      uuid: '',
      active: true,
      autostart: true,
      persistent: true,
      mode: 'nat',
      bridge: 'virbr0',
      subnet: '192.168.122.0/24',
      gateway: '192.168.122.1',
      ipv4: [{ address: '192.168.122.1', prefix: 24, subnet: '192.168.122.0/24' }],
      dhcpRanges: [{ start: '192.168.122.2', end: '192.168.122.254' }],
      staticHosts: [],
      problem: null,
    },
  ]
  it("accepts the seeds' internal network", () => {
    expect(
      networkCreateIssues(
        {
          name: 'lab-int',
          subnet: '192.168.90.0/24',
          dhcp: { start: '192.168.90.2', end: '192.168.90.99' },
          staticHosts: [
            { mac: '52:54:00:00:00:01', ip: '192.168.90.100', name: 'controller' },
            { mac: '52:54:00:00:00:02', ip: '192.168.90.110', name: 'compute' },
          ],
        },
        existing,
      ),
    ).toEqual([])
  })
  it('names every problem', () => {
    const issues = networkCreateIssues(
      {
        name: 'default',
        subnet: '192.168.122.0/24',
        gateway: '10.0.0.1',
        dhcp: { start: '192.168.122.50', end: '192.168.122.10' },
        staticHosts: [{ mac: '52:54:00:00:00:01', ip: '192.168.122.0', name: 'a' }],
      },
      existing,
    )
    expect(issues.map((i) => i.path)).toEqual(['name', 'subnet', 'gateway', 'dhcp.end', 'staticHosts.0.ip'])
  })
  it('refuses a static host inside the DHCP range, and a range that swallows a static host', () => {
    const net = {
      ...existing[0]!,
      staticHosts: [{ mac: '52:54:00:00:00:09', ip: '192.168.122.100', name: 'controller' }],
    }
    expect(
      staticHostIssues(net, { mac: '52:54:00:00:00:0a', ip: '192.168.122.110', name: 'compute' })[0]?.message,
    ).toMatch(/inside the DHCP range/)
    expect(
      dhcpRangeIssues({ ...net, dhcpRanges: [] }, { start: '192.168.122.2', end: '192.168.122.254' })[0]
        ?.message,
    ).toMatch(/static address 192.168.122.100 of controller/)
  })
  it('does IPv4 arithmetic right', () => {
    expect(subnetsOverlap(parseCidr('10.0.0.0/8')!, parseCidr('10.20.0.0/16')!)).toBe(true)
    expect(subnetsOverlap(parseCidr('192.168.90.0/25')!, parseCidr('192.168.90.128/25')!)).toBe(false)
    expect(parseIpv4('192.168.090.1')).toBeNull()
    expect(parseIpv4('256.1.1.1')).toBeNull()
    expect(parseCidr('192.168.90.1/24')).toBeNull()
  })
})
