// Reading whatever libvirt holds, on XML libvirt itself wrote (test/fixtures/libvirt/captured, made by
// capture.ts from the objects in objects.ts): every interface and disk kind, odd names, another tool's
// metadata with `constructor`/`__proto__` elements, metadata as deep as libvirt allows, networks without a
// netmask or with several IPv4 blocks, snapshots with a line break in the name or a date past JavaScript's.
// Also the parser's stated limits, on generated documents, and the line formats virsh prints names in.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { assembleDomain, parseDomifaddr } from '../../src-main/engine/libvirt/assemble'
import { parseDomainXml } from '../../src-main/engine/libvirt/domain-xml'
import { parseEventLine } from '../../src-main/engine/libvirt/events'
import { linesOf, parseUuidNames } from '../../src-main/engine/libvirt/lookup'
import { parseNetworkXml } from '../../src-main/engine/libvirt/network-xml'
import { parseSnapshotXml } from '../../src-main/engine/libvirt/snapshot-xml'
import {
  MAX_XML_CHARS,
  MAX_XML_DEPTH,
  XmlLimitError,
  decodeEntities,
  parseXml,
} from '../../src-main/engine/libvirt/xml'
import { DomainInfo, NetworkInfo } from '../../src-shared/libvirt'
import { DEEP_LEVELS, LONG_NAME, ODD_NAMES } from '../fixtures/libvirt/objects'

const DIR = 'test/fixtures/libvirt/captured'
const fixture = (file: string) => readFileSync(join(DIR, file), 'utf8')
const files = readdirSync(DIR).filter((f) => f.endsWith('.xml'))
const flags = { active: true, autostart: false, persistent: true }

describe('XML libvirt wrote for objects made by other tools', () => {
  it('has fixtures of every kind, captured from libvirt', () => {
    expect(files.filter((f) => f.startsWith('domain-')).length).toBeGreaterThanOrEqual(13)
    expect(files.filter((f) => f.startsWith('network-')).length).toBeGreaterThanOrEqual(4)
    expect(files.filter((f) => f.startsWith('snapshot-')).length).toBeGreaterThanOrEqual(4)
  })

  it.each(files)('%s reads without throwing, and its result fits the contract', (file) => {
    const xml = fixture(file)
    if (file.startsWith('domain-')) {
      const facts = parseDomainXml(xml)
      const info = assembleDomain(facts, undefined, flags, { networks: [], leases: new Map() })
      expect(DomainInfo.safeParse(info).success).toBe(true)
    } else if (file.startsWith('network-')) {
      expect(NetworkInfo.safeParse(parseNetworkXml(xml, flags)).success).toBe(true)
    } else {
      expect(parseSnapshotXml(xml).name).not.toBe('')
    }
  })

  it('reads names exactly: quotes, backslashes, dashes, spaces, tabs, Unicode, a numeric name', () => {
    const names = files.filter((f) => f.startsWith('domain-')).map((f) => parseDomainXml(fixture(f)).name)
    for (const name of [...ODD_NAMES, LONG_NAME]) expect(names).toContain(name)
    expect(names).toContain(' lead and trail ')
  })

  it("keeps another tool's `constructor`/`__proto__`/`prototype` elements off Object.prototype", () => {
    const doc = parseXml(fixture('domain-bob_s_vm.xml'))
    const metadata = (doc['domain'] as Record<string, unknown>)['metadata'] as Record<string, unknown>
    expect(Object.keys(metadata).sort()).toEqual(['#constructor', '#prototype', '#text', 'app:constructor'])
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(parseDomainXml(fixture('domain-bob_s_vm.xml')).name).toBe("Bob's VM")
    expect(parseNetworkXml(fixture('network-bob_s_net_lab.xml'), flags).name).toBe("Bob's net: lab")
  })

  it('reads metadata nested as deep as libvirt accepts', () => {
    const xml = fixture('domain-anyvm-deep.xml')
    expect(xml.split('<x:a').length - 1).toBe(DEEP_LEVELS)
    expect(parseDomainXml(xml).name).toBe('anyvm-deep')
  })

  it('gives every interface kind its kind and what it connects to', () => {
    const { nics } = parseDomainXml(fixture('domain-anyvm-kinds.xml'))
    expect(nics.map((n) => [n.type, n.network, n.bridge, n.source, n.target])).toEqual([
      ['network', 'default', null, null, 'testnet0'],
      ['bridge', null, 'virbr0', null, 'testnet1'],
      ['bridge', null, 'br-host', null, 'testnet2'],
      ['user', null, null, null, 'testnet3'],
      ['direct', null, null, 'eth0 (bridge)', 'testnet4'],
      ['direct', null, null, 'eth1 (vepa)', 'testnet5'],
      ['ethernet', null, null, null, 'tap-anyvm'],
      ['vhostuser', null, null, '/tmp/vhost.sock (client)', 'testnet6'],
      ['hostdev', null, null, 'pci 0000:03:00.1', 'testnet7'],
      ['vdpa', null, null, '/dev/vhost-vdpa-0', 'testnet8'],
      ['mcast', null, null, '230.0.0.1:5558', 'testnet9'],
      ['udp', null, null, '192.168.1.1:5555 (local 127.0.0.1:6666)', 'testnet10'],
      ['server', null, null, '192.168.0.1:5558', 'testnet11'],
      ['client', null, null, '192.168.0.1:5558', 'testnet12'],
    ])
  })

  it('links a bridge NIC to the network owning its bridge, with addresses seen by MAC', () => {
    const facts = parseDomainXml(fixture('domain-anyvm-kinds.xml'))
    const def = parseNetworkXml(fixture('network-default.xml'), flags)
    const info = assembleDomain(facts, undefined, flags, {
      networks: [def],
      leases: new Map([
        ['default', [{ mac: '52:54:00:a0:00:01', ip: '192.168.122.50', hostname: null, expires: null }]],
      ]),
      observed: parseDomifaddr(
        ' testnet1   52:54:00:a0:00:02    ipv4         192.168.122.61/24\n -          -                    ipv4         192.168.122.62/24\n my eth 3   52:54:00:a0:00:03    ipv6         fe80::1/64\n',
      ),
    })
    expect(info.nics[0]).toMatchObject({
      network: 'default',
      bridge: 'virbr0',
      addresses: ['192.168.122.50'],
    })
    expect(info.nics[1]).toMatchObject({
      type: 'bridge',
      network: 'default',
      bridge: 'virbr0',
      addresses: ['192.168.122.61', '192.168.122.62'],
    })
    expect(info.nics[2]).toMatchObject({ type: 'bridge', network: null, bridge: 'br-host', addresses: [] })
  })

  it('gives every disk kind its source: files, devices, directories, network servers, pool volumes, NVMe', () => {
    const facts = parseDomainXml(fixture('domain-anyvm-kinds.xml'))
    const info = assembleDomain(facts, undefined, flags, {
      networks: [],
      leases: new Map(),
      volumePaths: new Map([['default-pool\u0000anyvm-vol.img', '/default-pool/anyvm-vol.img']]),
    })
    const by = (target: string) => info.disks.find((d) => d.target === target)!
    expect(by('vda')).toMatchObject({ type: 'file', source: '/var/lib/libvirt/images/anyvm-kinds.qcow2' })
    expect(by('vdi')).toMatchObject({ type: 'file', source: 'relative/disk.img' })
    expect(by('vdb')).toMatchObject({ type: 'block', source: '/dev/sdb' })
    expect(by('vdc')).toMatchObject({ type: 'dir', source: '/srv/share' })
    expect(by('vdd')).toMatchObject({
      type: 'network',
      protocol: 'rbd',
      name: 'pool/image',
      hosts: ['mon1.example:6789', '10.0.0.2:6789'],
      source: null,
    })
    expect(by('vde')).toMatchObject({ protocol: 'iscsi', name: 'iqn.2013-07.com.example:iscsi-nopool/1' })
    expect(by('vdf')).toMatchObject({ protocol: 'nbd', hosts: ['nbd.example:10809'] })
    expect(by('sda')).toMatchObject({ device: 'cdrom', protocol: 'http', name: '/images/boot.iso' })
    expect(by('vdg')).toMatchObject({
      type: 'volume',
      pool: 'default-pool',
      volume: 'anyvm-vol.img',
      source: '/default-pool/anyvm-vol.img',
    })
    expect(by('vdh')).toMatchObject({ type: 'nvme', detail: 'pci 0000:01:00.0 namespace 1', source: null })
    // Without libvirt's answer, a volume has no path: never its bare (relative) name.
    const unresolved = assembleDomain(facts, undefined, flags, { networks: [], leases: new Map() })
    expect(unresolved.disks.find((d) => d.target === 'vdg')!.source).toBeNull()
  })

  it("gives an IPv4 block without a netmask libvirt's classful prefix, and keeps every IPv4 block", () => {
    const nomask = parseNetworkXml(fixture('network-anyvm-nomask.xml'), flags)
    expect(nomask).toMatchObject({ subnet: '172.20.0.0/16', gateway: '172.20.0.1' })
    const multi = parseNetworkXml(fixture('network-anyvm-multi.xml'), flags)
    expect(multi.ipv4).toEqual([
      { address: '10.81.0.1', prefix: 24, subnet: '10.81.0.0/24' },
      { address: '10.82.0.1', prefix: 16, subnet: '10.82.0.0/16' },
    ])
    expect(multi.dhcpRanges).toEqual([
      { start: '10.81.0.10', end: '10.81.0.20' },
      { start: '10.82.1.10', end: '10.82.1.20' },
    ])
    expect(multi.staticHosts).toEqual([{ mac: '52:54:00:81:00:01', ip: '10.81.0.5', name: 'one' }])
  })

  it('reads snapshots with a line break in the name, a dash-led name, and a date past JavaScript dates', () => {
    expect(parseSnapshotXml(fixture('snapshot-two_lines.xml')).name).toBe('two\nlines')
    expect(parseSnapshotXml(fixture('snapshot-child.xml'))).toMatchObject({
      name: '--child',
      parent: 'two\nlines',
    })
    expect(parseSnapshotXml(fixture('snapshot-snap_one.xml')).name).toBe("snap 'one' \\ #;")
    // 99999999999999 s is past year 275760: no Date, so no time rather than a throw.
    expect(parseSnapshotXml(fixture('snapshot-from-the-future.xml')).createdAt).toBe('')
  })
})

const LAB_BED = 'test/fixtures/libvirt/lab-bed'
const labBed = readdirSync(LAB_BED).filter((f) => f.endsWith('.xml'))
const labBedXml = (file: string) => readFileSync(join(LAB_BED, file), 'utf8')

describe("XML of the lab bed's QEMU guests (captured with capture.ts --qemu or --lab-bed)", () => {
  if (labBed.length === 0)
    it.skip('none captured yet: see test/fixtures/libvirt/lab-bed/README.md', () => undefined)
  it.each(labBed)('%s reads, and fits the contract', (file) => {
    const xml = labBedXml(file)
    if (file.startsWith('domain-')) {
      const facts = parseDomainXml(xml)
      expect(facts.nics.every((n) => n.type && n.mac)).toBe(true)
      const info = assembleDomain(facts, undefined, flags, { networks: [], leases: new Map() })
      expect(DomainInfo.safeParse(info).success).toBe(true)
    } else if (file.startsWith('snapshot-')) expect(parseSnapshotXml(xml).name).not.toBe('')
    else expect(NetworkInfo.safeParse(parseNetworkXml(xml, flags)).success).toBe(true)
  })

  // What QEMU adds to a running node's XML (aliases, PCI addresses, live bridges, indexed disk sources) must
  // not change what Stacklab reads from what it defined.
  const running = 'domain-capture-controller.xml'
  const shutOff = 'domain-capture-controller-shut-off.xml'
  it.runIf(labBed.includes(running) && labBed.includes(shutOff))(
    'a running node reads as the node Stacklab defined',
    () => {
      const live = parseDomainXml(labBedXml(running))
      expect(labBedXml(running)).toMatch(/<alias name='net0'\/>/) // really the live XML
      // The live bridge and tap device are read; nothing else differs from the defined node.
      expect(live.nics.map((n) => [n.network, n.mac, n.bridge, n.target])).toEqual([
        ['default', '52:54:00:00:7a:64', 'virbr0', 'vnet0'],
        ['capture-internal', '52:54:00:00:0a:64', 'virbr1', 'vnet1'],
      ])
      const defined = parseDomainXml(labBedXml(shutOff))
      expect({ ...live, nics: live.nics.map((n) => ({ ...n, bridge: null, target: null })) }).toEqual(defined)
      expect(live.disks.map((d) => [d.target, d.format])).toEqual([['vda', 'qcow2']])
      expect(live).toMatchObject({ type: 'qemu', vcpus: 1, memoryMiB: 128, serialConsole: true })
    },
  )
  it.runIf(labBed.includes('snapshot-capture-fresh.xml'))("a running node's checkpoint reads whole", () => {
    expect(parseSnapshotXml(labBedXml('snapshot-capture-fresh.xml'))).toMatchObject({
      name: 'fresh',
      description: 'first checkpoint',
      parent: null,
      state: 'running',
      memory: true,
      kind: 'internal',
    })
  })
})

describe("the XML parser's limits", () => {
  const nested = (depth: number) => `<domain>${'<m>'.repeat(depth - 1)}${'</m>'.repeat(depth - 1)}</domain>`

  it(`reads ${MAX_XML_DEPTH} levels (libxml2's ceiling even with XML_PARSE_HUGE) and refuses deeper`, () => {
    expect(() => parseXml(nested(MAX_XML_DEPTH))).not.toThrow()
    expect(() => parseXml(nested(MAX_XML_DEPTH + 2))).toThrow(XmlLimitError)
  })

  it(`refuses a document over ${MAX_XML_CHARS} characters before parsing it`, () => {
    const big = `<domain><name>x</name><description>${'y'.repeat(MAX_XML_CHARS)}</description></domain>`
    expect(() => parseXml(big)).toThrow(/limit is/)
  })

  it('reads every element name, prototype names included, as an own property', () => {
    const doc = parseXml(
      '<d><constructor>1</constructor><__proto__>2</__proto__><prototype>3</prototype><toString>4</toString><valueOf/><hasOwnProperty/><__defineGetter__/></d>',
    )
    expect(Object.keys(doc['d'] as object).sort()).toEqual([
      '#__defineGetter__',
      '#__proto__',
      '#constructor',
      '#hasOwnProperty',
      '#prototype',
      '#toString',
      '#valueOf',
    ])
  })

  it('decodes character references and the five XML entities once, and nothing else', () => {
    expect(decodeEntities('caf&#233; &#x1F600; &amp;amp; &lt;&gt;&quot;&apos; &nbsp; &#0; &#xD800;')).toBe(
      'café 😀 &amp; <>"\' &nbsp; &#0; &#xD800;',
    )
    const name = parseDomainXml(
      "<domain type='test'><name>caf&#233; &#x1F600;</name><uuid>u</uuid></domain>",
    ).name
    expect(name).toBe('café 😀')
  })

  it('expands no entity a DOCTYPE declares', () => {
    const doc = parseXml('<!DOCTYPE d [<!ENTITY e "EEEE"><!ENTITY f "&e;&e;&e;&e;">]><d><n>&f;</n></d>')
    expect((doc['d'] as Record<string, unknown>)['n']).toBe('&f;')
  })
})

describe('names in what virsh prints', () => {
  it('reads `list --uuid --name` lines exactly, spaces included', () => {
    expect(
      parseUuidNames(
        "6695eb01-f6a4-8304-79aa-97f2502e193f test\nce96a0a1-26d6-44c2-a4a5-f238e476199e  \nc7e64607-a64e-4a2d-86db-fc6e179eb349  lead \n03130e7c-dca1-48d0-8110-74247616df45 Bob's VM\n",
      ),
    ).toEqual([
      { uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f', name: 'test' },
      { uuid: 'ce96a0a1-26d6-44c2-a4a5-f238e476199e', name: ' ' },
      { uuid: 'c7e64607-a64e-4a2d-86db-fc6e179eb349', name: ' lead ' },
      { uuid: '03130e7c-dca1-48d0-8110-74247616df45', name: "Bob's VM" },
    ])
    expect(linesOf(' a \n\n b\n')).toEqual([' a ', ' b'])
  })

  it.each([
    [
      "event 'lifecycle' for domain 'Bob's VM': Started Booted",
      { object: 'domain', name: "Bob's VM", event: 'Started', detail: 'Booted' },
    ],
    [
      "event 'lifecycle' for domain 'x': Stopped': Started Booted",
      { object: 'domain', name: "x': Stopped", event: 'Started', detail: 'Booted' },
    ],
    [
      "event 'lifecycle' for domain ' lead ': Stopped Destroyed",
      { object: 'domain', name: ' lead ', event: 'Stopped', detail: 'Destroyed' },
    ],
    ["event 'reboot' for domain 'it's'", { object: 'domain', name: "it's", event: 'reboot', detail: '' }],
    [
      "event 'lifecycle' for network Bob's net: lab: Started",
      { object: 'network', name: "Bob's net: lab", event: 'Started', detail: '' },
    ],
    [
      "event 'lifecycle' for domain 'tab\there': Suspended Paused",
      { object: 'domain', name: 'tab\there', event: 'Suspended', detail: 'Paused' },
    ],
  ])('%s', (line, expected) => expect(parseEventLine(line)).toEqual(expected))
})
