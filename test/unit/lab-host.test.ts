// The lab against the live host (src-shared/lab-host.ts), the rules the engine's create and the wizard share:
// VM names, addresses and lab names the host already has are refused by field, and every refusal on a name,
// subnet or address comes with a free value that, once taken, clears it. Networks are read by the engine's
// own libvirt XML parser, as the wizard and the engine get them.
import { describe, expect, it } from 'vitest'
import { LabDefinition, defaultLab } from '../../src-shared/lab'
import { labHostIssues, labHostProposals, type HostDomain, type HostView } from '../../src-shared/lab-host'
import type { NetworkInfo } from '../../src-shared/libvirt'
import { parseNetworkXml } from '../../src-main/engine/libvirt/network-xml'

const net = (name: string, mode: string, subnet: string, inner = ''): NetworkInfo => {
  const [base, prefix] = subnet.split('/')
  const forward = mode === 'isolated' ? '' : `<forward mode='${mode}'/>`
  const address = base!.replace(/\.0$/, '.1')
  return parseNetworkXml(
    `<network><name>${name}</name>${forward}<ip address='${address}' prefix='${prefix}'>${inner}</ip></network>`,
    { active: true, autostart: true, persistent: true },
  )
}
const vm = (name: string, network = 'default', ...addresses: string[]): HostDomain => ({
  name,
  nics: [{ mac: '52:54:00:00:00:01', network, addresses }],
})
const byPath = (issues: { path: (string | number)[]; message: string }[]) =>
  Object.fromEntries(issues.map((i) => [i.path.join('.'), i.message]))
const nat = net(
  'default',
  'nat',
  '192.168.122.0/24',
  "<dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp>",
)

describe('a lab against the live host', () => {
  it('the default lab fits a host that has only the default network', () => {
    const lab = LabDefinition.parse(defaultLab())
    expect(labHostIssues(lab, { networks: [nat], domains: [vm('test')], labs: [] })).toEqual([])
  })

  it("refuses the VM name, the internal network's name and subnet, and the lab name the host has", () => {
    const lab = LabDefinition.parse(defaultLab())
    const host: HostView = {
      networks: [nat, net('lab1-int', 'isolated', '192.168.90.0/24')],
      domains: [vm('lab1-controller')],
      labs: ['lab1'],
    }
    const issues = labHostIssues(lab, host)
    expect(byPath(issues)).toEqual({
      name: 'a lab named lab1 exists: delete it or choose another name',
      'networks.1.name': "a network named lab1-int already exists on this host and is not this lab's",
      'nodes.0.name': "a VM named lab1-controller already exists on this host and is not this lab's",
    })
    // A resume: what the lab made is its own.
    expect(
      labHostIssues(lab, { ...host, labs: [] }, { networks: ['lab1-int'], domains: ['lab1-controller'] }),
    ).toEqual([])
    // One free lab name fixes all three: no lab, no network `lab2-int`, no VM `lab2-*`.
    const offered = labHostProposals(lab, { ...host, domains: [...host.domains, vm('lab2-compute')] }, issues)
    expect(offered).toEqual({ name: 'lab3', 'nodes.0.name': 'controller2' })
  })

  it('offers a free subnet of the same size that overlaps nothing, and it clears the clash', () => {
    const lab = LabDefinition.parse(defaultLab())
    const host: HostView = {
      networks: [
        nat,
        net('class-a', 'isolated', '192.168.90.0/24'),
        net('class-b', 'isolated', '192.168.91.0/25'),
      ],
      domains: [],
    }
    const issues = labHostIssues(lab, host)
    expect(byPath(issues)).toEqual({
      'networks.1.subnet': '192.168.90.0/24 overlaps 192.168.90.0/24 of network class-a on this host',
    })
    const offered = labHostProposals(lab, host, issues)
    expect(offered).toEqual({ 'networks.1.subnet': '192.168.92.0/24' })
    lab.networks[1]!.subnet = offered['networks.1.subnet']!
    for (const n of lab.nodes) n.nics[1]!.ip = n.nics[1]!.ip.replace('.90.', '.92.')
    expect(labHostIssues(lab, host)).toEqual([])
  })

  it("refuses an address another VM or a fixed DHCP host has on the host's network, and offers a free one", () => {
    const lab = LabDefinition.parse(defaultLab())
    const kept = net(
      'default',
      'nat',
      '192.168.122.0/24',
      "<dhcp><range start='192.168.122.2' end='192.168.122.99'/><host mac='52:54:00:aa:bb:cc' name='printer' ip='192.168.122.110'/></dhcp>",
    )
    const host: HostView = {
      networks: [kept],
      domains: [vm('web', 'default', '192.168.122.100', '192.168.122.101')],
    }
    const issues = labHostIssues(lab, host)
    expect(byPath(issues)).toEqual({
      'nodes.0.nics.0.ip': '192.168.122.100 is already used by VM web on default',
      'nodes.1.nics.0.ip':
        "192.168.122.110 is kept on default for printer (a fixed DHCP address of the host's network)",
    })
    // The next free addresses outside the host's DHCP range, past every address the host and the lab use.
    expect(labHostProposals(lab, host, issues)).toEqual({
      'nodes.0.nics.0.ip': '192.168.122.102',
      'nodes.1.nics.0.ip': '192.168.122.111',
    })
    // The same address on an internal network the lab creates is nobody's: no clash there.
    expect(labHostIssues(lab, { ...host, domains: [vm('web', 'other', '192.168.90.100')] })).toHaveLength(1)
  })

  it('offers a free name for a network a YAML file names after one the host has', () => {
    const lab = LabDefinition.parse({
      ...defaultLab(),
      networks: [defaultLab().networks[0], { name: 'mgmt', mode: 'isolated', subnet: '192.168.90.0/24' }],
      nodes: defaultLab().nodes.map((n) => ({ ...n, nics: [n.nics[0], { ...n.nics[1]!, network: 'mgmt' }] })),
    })
    const host: HostView = {
      networks: [nat, net('mgmt', 'isolated', '10.0.0.0/24'), net('mgmt2', 'isolated', '10.0.1.0/24')],
      domains: [],
    }
    const issues = labHostIssues(lab, host)
    expect(byPath(issues)).toEqual({
      'networks.1.name': "a network named mgmt already exists on this host and is not this lab's",
    })
    expect(labHostProposals(lab, host, issues)).toEqual({ 'networks.1.name': 'mgmt3' })
  })
})
