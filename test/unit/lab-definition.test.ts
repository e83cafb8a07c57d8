// Lab definitions: the seeds' default lab is valid; every kind of bad definition is refused with a
// message that names the field. And what customisation writes into each node's disk.
import { describe, expect, it } from 'vitest'
import { LabDefinition, defaultLab, type LabDefinitionInput } from '../../src-shared/lab'
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
  return Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]))
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
    const lab = defaultLab()
    lab.networks.push({ name: 'extra', mode: 'isolated', subnet: '192.168.90.128/25' })
    lab.networks[1]!.dhcp = { start: '192.168.90.100', end: '192.168.90.105' }
    lab.nodes[1]!.nics[0]!.ip = '10.0.0.5'
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
      /not a release packstack supports on CentOS 7.9/,
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
    expect(cmds).toContain('run-command systemctl disable NetworkManager firewalld || true')
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
