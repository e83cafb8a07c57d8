// Lab definitions: the seeds' default lab is valid; every kind of bad definition is refused with a
// message that names the field. And what customisation writes into each node's disk.
import { describe, expect, it } from 'vitest'
import {
  LabDefinition,
  LabState,
  defaultLab,
  nodeAddress,
  nodeDataDiskFile,
  nodeDiskFile,
  type LabDefinitionInput,
} from '../../src-shared/lab'
import { nearestKey } from '../../src-shared/closed-object'
import { labHostNetworkIssues, labNetworkWarnings } from '../../src-shared/lab-networks'
import type { NetworkInfo } from '../../src-shared/libvirt'
import { newLabState } from '../../src-main/engine/lab/journal'
import { parseNetworkXml } from '../../src-main/engine/libvirt/network-xml'
import {
  customizeCommands,
  debianInterfaces,
  guestFiles,
  hostsFile,
  nicPlans,
  rhelIfcfg,
} from '../../src-main/engine/provision/guest-config'
import { explainBuilderError, parseBuilderStep } from '../../src-main/engine/provision/image'

function problems(lab: LabDefinitionInput): Record<string, string> {
  const r = LabDefinition.safeParse(lab)
  if (r.success) return {}
  const found: Record<string, string> = {}
  for (const i of r.error.issues) {
    const at = i.path.join('.')
    found[at] = found[at] ? `${found[at]}; ${i.message}` : i.message
  }
  return found
}

describe('LabDefinition', () => {
  it("accepts the seeds' lab: controller .100 and compute .110 on both networks", () => {
    const lab = LabDefinition.parse(defaultLab())
    expect(lab.nodes.map((n) => [n.name, n.nics.map((x) => x.ip)])).toEqual([
      ['controller', ['192.168.122.100', '192.168.90.100']],
      ['compute', ['192.168.122.110', '192.168.90.110']],
    ])
  })

  it('refuses names with shell characters or slashes', () => {
    expect(problems({ ...defaultLab(), name: 'lab;rm -rf' })).toHaveProperty('name')
    const lab = defaultLab()
    lab.nodes[0]!.name = '../controller'
    expect(problems(lab)).toHaveProperty(['nodes.0.name'])
  })

  it('refuses overlapping subnets, addresses outside their subnet or in a DHCP range, duplicates', () => {
    const lab = LabDefinition.parse(defaultLab())
    lab.networks.push({ name: 'extra', mode: 'isolated', subnet: '192.168.90.128/25' })
    lab.networks[1]!.dhcp = { start: '192.168.90.100', end: '192.168.90.105' }
    lab.nodes[1]!.nics[0].ip = '10.0.0.5'
    lab.nodes[1]!.nics[1]!.ip = '192.168.90.100'
    const p = problems(lab)
    expect(p['networks.2.subnet']).toMatch(/overlaps 192.168.90.0\/24 of network lab1-int/)
    expect(p['nodes.0.nics.1.ip']).toMatch(/inside the DHCP range/)
    expect(p['nodes.1.nics.0.ip']).toMatch(/outside 192.168.122.0\/24/)
    expect(p['nodes.1.nics.1.ip']).toMatch(/inside the DHCP range|already used by controller/)
  })

  it('refuses too little memory for a role, a missing template, and an unsupported release', () => {
    const lab = defaultLab()
    lab.nodes[0]!.memoryMiB = 2048
    expect(problems(lab)['nodes.0.memoryMiB']).toMatch(/too little for a controller: at least 4096 MiB/)
    expect(problems({ ...defaultLab(), preset: 'windows-11' })['preset']).toMatch(/unknown template preset/)
    expect(problems({ ...defaultLab(), release: 'zed' })['release']).toMatch(
      /not a release packstack supports on CentOS Stream 9 .*; choose one of epoxy, dalmatian, caracal/,
    )
  })

  it('needs a controller and a NAT network, and NICs on networks of the lab', () => {
    const lab = defaultLab()
    lab.nodes[0]!.role = 'compute'
    lab.nodes[1]!.nics[1]!.network = 'nowhere'
    const p = problems(lab)
    expect(p['nodes']).toMatch(/needs a controller/)
    expect(p['nodes.1.nics.1.network']).toMatch(/no network named nowhere/)
  })
})

describe('LabDefinition: what cannot work is refused, by field', () => {
  it('refuses unknown keys at their own path, naming the nearest known key', () => {
    const lab = defaultLab() as LabDefinitionInput & Record<string, unknown>
    ;(lab.networks[1] as Record<string, unknown>)['dchp'] = { start: '192.168.90.100', end: '192.168.90.200' }
    ;(lab.nodes[0] as Record<string, unknown>)['memory'] = 8192
    ;(lab.nodes[0]!.nics[0] as Record<string, unknown>)['adress'] = '192.168.122.5'
    lab['packstack'] = { install: { horizn: false } as Record<string, boolean> }
    lab['nodse'] = []
    const p = problems(lab)
    expect(p['networks.1.dchp']).toBe('unknown key; did you mean "dhcp"?')
    expect(p['nodes.0.memory']).toBe('unknown key; did you mean "memoryMiB"?')
    expect(p['nodes.0.nics.0.adress']).toBe('unknown key; the keys here are network, ip')
    expect(p['packstack.install.horizn']).toBe('unknown key; did you mean "horizon"?')
    expect(p['nodse']).toBe('unknown key; did you mean "nodes"?')
  })

  it('says why a root password (or any secret) is not taken from a lab file, without echoing it', () => {
    for (const key of ['rootPassword', 'root_password', 'password', 'secret', 'rootpw']) {
      const message = problems({ ...defaultLab(), [key]: 'hunter2' })[key]
      expect(message, key).toMatch(/Stacklab makes each lab.s root password itself/)
      expect(message).not.toContain('hunter2')
    }
  })

  it('still lists the cross-checks when a key is unknown (a typo must not hide a clash)', () => {
    const lab = defaultLab() as LabDefinitionInput & Record<string, unknown>
    lab['rootPassword'] = 'x'
    lab.nodes[1]!.nics[1]!.ip = '192.168.90.100'
    const p = problems(lab)
    expect(p['rootPassword']).toBeDefined()
    expect(p['nodes.1.nics.1.ip']).toMatch(/already used by controller/)
  })

  it.each([
    ['compute_1', 'must not contain "_"'],
    ['Controller', 'must be lower case, as guests use host names: controller, not Controller'],
    ['controller.lab', 'must be one host name label, without dots'],
    ['-compute', 'must not start or end with a hyphen'],
    ['compute-', 'must not start or end with a hyphen'],
    ['c'.repeat(64), 'must be at most 63 characters'],
    ['comp ute', 'may only contain letters, digits and hyphens'],
    ['', 'must not be empty'],
  ])('refuses the node name %j: %s', (name, message) => {
    const lab = defaultLab()
    lab.nodes[1]!.name = name
    expect(problems(lab)['nodes.1.name']).toContain(message)
  })

  it('accepts host names as RFC 1123 has them, and the VM name they make stays a libvirt name', () => {
    const lab = defaultLab('l')
    lab.nodes[1]!.name = 'compute-2b'
    expect(problems(lab)).toEqual({})
    lab.nodes[1]!.name = '9node'
    expect(problems(lab)).toEqual({})
    const long = defaultLab('l'.repeat(40))
    long.nodes[1]!.name = 'c'.repeat(30)
    expect(problems(long)['nodes.1.name']).toMatch(/the VM name l+-c+ would be longer than 63 characters/)
  })

  it('refuses a domain that is not a DNS name', () => {
    for (const domain of [
      'Example.com',
      'ex_ample.com',
      'example..com',
      '.example.com',
      'example.com.',
      '-a.com',
    ])
      expect(problems({ ...defaultLab(), domain })['domain'], domain).toMatch(/must be a DNS domain/)
    expect(problems({ ...defaultLab(), domain: 'lab.example-1.org' })).toEqual({})
  })

  it("gives a distribution-packages lab's controller a data disk for Cinder, and checks its size", () => {
    expect(defaultLab('a').nodes.map((n) => n.dataDiskGiB)).toEqual([undefined, undefined])
    const debian = defaultLab('b', 'debian-12')
    expect(debian.nodes.map((n) => [n.name, n.dataDiskGiB])).toEqual([
      ['controller', 20],
      ['compute', undefined],
    ])
    expect(problems(debian)).toEqual({})
    for (const bad of [0, -1, 1.5, 5000, '20'] as unknown as number[]) {
      const lab = defaultLab('c', 'debian-12')
      lab.nodes[1]!.dataDiskGiB = bad
      expect(problems(lab)['nodes.1.dataDiskGiB'], String(bad)).toBeTruthy()
    }
    expect(nodeDataDiskFile('/var/lib/images/', 'b', 'controller')).toBe(
      '/var/lib/images/b/controller.data.qcow2',
    )
    expect(nodeDataDiskFile('/i', 'b', 'controller')).not.toBe(nodeDiskFile('/i', 'b', 'controller-data'))
  })

  it('serves the layouts the installer serves: one controller, compute and network nodes, no storage', () => {
    const two = defaultLab()
    two.nodes[1]!.role = 'controller'
    two.nodes[1]!.memoryMiB = 8192
    expect(problems(two)['nodes.1.role']).toMatch(/a lab has one controller \(controller\)/)
    const storage = defaultLab()
    storage.nodes[1]!.role = 'storage'
    expect(problems(storage)['nodes.1.role']).toMatch(/the installer has no storage hosts/)
    const network = defaultLab()
    network.nodes[1]!.role = 'network'
    expect(problems(network)).toEqual({})
    const allInOne = defaultLab()
    allInOne.nodes = allInOne.nodes.slice(0, 1)
    expect(problems(allInOne)).toEqual({})
  })

  it("checks every network rule create relies on: DHCP range, gateway, modes, the subnet's ends", () => {
    const range = (start: string, end: string) => {
      const lab = defaultLab()
      lab.networks[1]!.dhcp = { start, end }
      return problems(lab)
    }
    expect(range('192.168.90.50', '192.168.90.10')['networks.1.dhcp.end']).toBe(
      '192.168.90.10 comes before the start 192.168.90.50',
    )
    expect(range('192.168.90.2', '192.168.91.20')['networks.1.dhcp.end']).toBe(
      '192.168.91.20 is outside 192.168.90.0/24',
    )
    expect(range('192.168.90.0', '192.168.90.20')['networks.1.dhcp.start']).toMatch(/network address/)
    expect(range('192.168.90.1', '192.168.90.50')['networks.1.dhcp']).toBe(
      "the range contains the host's address on the network",
    )
    expect(range('192.168.90.2', '192.168.90.50')).toEqual({})

    const gateway = (gw: string) => {
      const lab = defaultLab()
      lab.networks[1]!.gateway = gw
      return problems(lab)['networks.1.gateway']
    }
    expect(gateway('10.0.0.1')).toBe('10.0.0.1 is outside 192.168.90.0/24')
    expect(gateway('192.168.90.255')).toMatch(/broadcast address of 192.168.90.0\/24/)
    expect(gateway('192.168.90.0')).toMatch(/network address of 192.168.90.0\/24/)
    expect(gateway('192.168.90.254')).toBeUndefined()

    const natInternal = defaultLab()
    natInternal.networks[1]!.mode = 'nat'
    expect(problems(natInternal)['networks.1.mode']).toMatch(/a lab uses one NAT network \(default\)/)
    const natDhcp = defaultLab()
    natDhcp.networks[0]!.dhcp = { start: '192.168.122.2', end: '192.168.122.50' }
    expect(problems(natDhcp)['networks.0.dhcp']).toMatch(/the NAT network is the host's own/)
    const twoNat = defaultLab()
    twoNat.networks.push({ name: 'default2', mode: 'nat', subnet: '192.168.122.0/24' })
    expect(problems(twoNat)).toMatchObject({
      'networks.2.subnet': '192.168.122.0/24 overlaps 192.168.122.0/24 of network default',
      'networks.2.mode': expect.stringMatching(/one NAT network/) as string,
    })
    const named = LabDefinition.parse(defaultLab())
    named.networks[1]!.name = 'default'
    named.networks[0]!.name = 'hostnat'
    for (const n of named.nodes)
      n.nics = [
        { ...n.nics[0], network: 'hostnat' },
        { ...n.nics[1]!, network: 'default' },
      ]
    expect(problems(named)['networks.1.name']).toMatch(/default is the name of libvirt's own NAT network/)

    const ends = defaultLab()
    ends.nodes[0]!.nics[1]!.ip = '192.168.90.0'
    ends.nodes[1]!.nics[1]!.ip = '192.168.90.255'
    expect(problems(ends)).toMatchObject({
      'nodes.0.nics.1.ip': expect.stringMatching(/192.168.90.0 is the network address/) as string,
      'nodes.1.nics.1.ip': expect.stringMatching(/192.168.90.255 is the broadcast address/) as string,
    })
  })

  it('warns (does not refuse) a node without a NIC on the NAT network', () => {
    const lab = LabDefinition.parse(defaultLab())
    expect(labNetworkWarnings(lab)).toEqual([])
    lab.nodes[1]!.nics = [lab.nodes[1]!.nics[1]!]
    expect(LabDefinition.safeParse(lab).success).toBe(true)
    expect(labNetworkWarnings(lab)).toEqual([
      {
        path: ['nodes', 1, 'nics'],
        message: expect.stringMatching(/compute has no NIC on the NAT network/) as string,
      },
    ])
  })

  it("checks the host's networks as create finds them", () => {
    const lab = LabDefinition.parse(defaultLab())
    // The host's networks as libvirt describes them, read by the engine's own parser.
    const net = (name: string, mode: string, subnet: string): NetworkInfo => {
      const [base, prefix] = subnet.split('/')
      const forward = mode === 'isolated' ? '' : `<forward mode='${mode}'/>`
      const address = base!.replace(/\.0$/, '.1')
      return parseNetworkXml(
        `<network><name>${name}</name>${forward}<ip address='${address}' prefix='${prefix}'/></network>`,
        { active: true, autostart: true, persistent: true },
      )
    }
    const host = [net('default', 'nat', '192.168.122.0/24')]
    expect(labHostNetworkIssues(lab, host)).toEqual([])
    const issues = (existing: NetworkInfo[], owned: string[] = []) =>
      Object.fromEntries(labHostNetworkIssues(lab, existing, owned).map((i) => [i.path.join('.'), i.message]))
    expect(issues([])['networks.0.name']).toMatch(/no network named default on this host.*virsh net-define/)
    expect(issues([net('default', 'isolated', '192.168.122.0/24')])['networks.0.mode']).toMatch(
      /on this host is isolated, not NAT/,
    )
    expect(issues([net('default', 'nat', '192.168.124.0/24')])['networks.0.subnet']).toMatch(
      /on this host is 192.168.124.0\/24, not 192.168.122.0\/24/,
    )
    expect(issues([...host, net('lab1-int', 'isolated', '192.168.90.0/24')])['networks.1.name']).toMatch(
      /already exists on this host and is not this lab's/,
    )
    expect(issues([...host, net('lab1-int', 'isolated', '192.168.90.0/24')], ['lab1-int'])).toEqual({})
    expect(issues([...host, net('other', 'isolated', '192.168.90.128/25')])['networks.1.subnet']).toBe(
      '192.168.90.0/24 overlaps 192.168.90.128/25 of network other on this host',
    )
  })

  it('still loads a lab made before these rules (its state is not lost)', () => {
    const state = newLabState(LabDefinition.parse(defaultLab()), 'qemu')
    const old = JSON.parse(JSON.stringify(state)) as {
      definition: { nodes: { name: string; role: string }[] }
    }
    old.definition.nodes[1]!.name = 'Compute_1'
    old.definition.nodes[1]!.role = 'storage'
    expect(LabState.parse(old).definition.nodes[1]!.name).toBe('Compute_1')
  })

  it("gives every node at least one NIC, by the schema: its address is the first NIC's", () => {
    const lab = LabDefinition.parse(defaultLab())
    expect(lab.nodes.map(nodeAddress)).toEqual(['192.168.122.100', '192.168.122.110'])
    const noNic = defaultLab()
    noNic.nodes[1]!.nics = []
    expect(problems(noNic)).toEqual({ 'nodes.1.nics': 'Too small: expected array to have >=1 items' })
    // A state file whose node lost its NICs (edited by hand) is refused, not read with a node without address.
    const state = JSON.parse(JSON.stringify(newLabState(lab, 'qemu'))) as {
      definition: { nodes: { nics: unknown[] }[] }
    }
    state.definition.nodes[0]!.nics = []
    expect(LabState.safeParse(state).error?.issues.map((i) => i.path.join('.'))).toEqual([
      'definition.nodes.0.nics',
    ])
  })

  it('suggests the nearest key within two edits, or the only key a short one starts', () => {
    expect(nearestKey('dchp', ['name', 'dhcp', 'gateway'])).toBe('dhcp')
    expect(nearestKey('MemoryMib', ['memoryMiB', 'diskGiB'])).toBe('memoryMiB')
    expect(nearestKey('disk', ['memoryMiB', 'diskGiB'])).toBe('diskGiB')
    expect(nearestKey('zzz', ['memoryMiB', 'diskGiB'])).toBeNull()
  })
})

describe('guest configuration', () => {
  const lab = LabDefinition.parse(defaultLab())
  const [controller] = lab.nodes
  const macs = ['52:54:00:aa:00:01', '52:54:00:aa:00:02']

  it('gives only the NAT NIC the default route', () => {
    expect(nicPlans(lab, controller!, macs)).toEqual([
      {
        device: 'eth0',
        network: 'default',
        ip: '192.168.122.100',
        prefix: 24,
        gateway: '192.168.122.1',
        mac: macs[0],
      },
      { device: 'eth1', network: 'lab1-int', ip: '192.168.90.100', prefix: 24, gateway: null, mac: macs[1] },
    ])
  })

  it('writes Debian interfaces and RHEL ifcfg files', () => {
    const nics = nicPlans(lab, controller!, macs)
    expect(debianInterfaces(nics)).toContain(
      'iface eth0 inet static\n    address 192.168.122.100/24\n    gateway 192.168.122.1\n',
    )
    expect(debianInterfaces(nics)).toMatch(
      /iface eth1 inet static\n {4}address 192\.168\.90\.100\/24\n(?! {4}gateway)/,
    )
    expect(rhelIfcfg(nics[1]!)).toContain('IPADDR=192.168.90.100\nPREFIX=24\nDEFROUTE=no')
    expect(rhelIfcfg(nics[0]!)).toContain('NM_CONTROLLED=no')
    expect([...guestFiles(lab, controller!, 'rhel7', macs).keys()]).toContain(
      '/etc/sysconfig/network-scripts/ifcfg-eth1',
    )
  })

  it('lists every node in /etc/hosts', () => {
    expect(hostsFile(lab)).toContain(
      '192.168.122.100 controller.example.com controller\n192.168.122.110 compute.example.com compute\n',
    )
  })

  it('prepares RHEL-family nodes for packstack and points EOL CentOS 7 at the vault', () => {
    const cmds = customizeCommands({
      lab,
      node: controller!,
      family: 'rhel7',
      eol: true,
      uploads: new Map([['/etc/hosts', '/tmp/x/hosts']]),
      authorizedKeyFile: '/tmp/x/lab.pub',
      hostKeyFiles: [{ private: '/tmp/x/hk', public: '/tmp/x/hk.pub', type: 'ed25519' }],
      passwordFile: '/tmp/x/pw',
    })
    expect(cmds).toContain('hostname controller.example.com')
    expect(cmds).toContain('root-password file:/tmp/x/pw')
    expect(cmds).toContain('truncate /etc/machine-id')
    expect(cmds).toContain('edit /etc/selinux/config:s/^SELINUX=.*/SELINUX=permissive/')
    expect(cmds.some((c) => c.includes('vault.centos.org'))).toBe(true)
    expect(cmds).toContain('run-command systemctl disable firewalld || true')
    // EL7 only: the network service owns the ifcfg files (node-preparation.test.ts has EL8/EL9).
    expect(cmds).toContain('run-command systemctl disable NetworkManager || true')
  })
})

describe('virt-builder output', () => {
  it('reads step lines and turns the seed errors into fixes', () => {
    expect(parseBuilderStep('[  98.5] Resizing (using virt-resize) to expand the disk to 20.0G')).toBe(
      'Resizing (using virt-resize) to expand the disk to 20.0G',
    )
    expect(parseBuilderStep('100.0%')).toBeNull()
    expect(
      explainBuilderError(
        'virt-resize: error: unknown/unavailable method for expanding the xfs \nfilesystem on /dev/sda4',
      ),
    ).toMatch(/install libguestfs-xfs/)
    // What virt-builder 1.48 says when the configured repositories lack the template.
    expect(
      explainBuilderError(
        'virt-builder: error: cannot find os-version ‘centos-7.8’ with architecture ‘x86_64’.\nUse --list to list available guest types.',
      ),
    ).toMatch(/template source in Settings/)
  })
})
