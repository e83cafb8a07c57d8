// What "Add compute node" proposes: a free name, free addresses on the lab's networks (never one a node,
// the gateway or the DHCP range has), the existing compute's size; and the proposal is a valid node for
// the lab as it stands.
import { describe, expect, it } from 'vitest'
import { LabDefinition, defaultLab } from '../../src-shared/lab'
import { freeAddress, freeComputeName, proposeComputeNode } from '../../src-shared/lab-grow'

const lab = () => LabDefinition.parse(defaultLab('g1', 'debian-12-stacklab', 'test'))

describe('proposeComputeNode', () => {
  it('proposes compute2 beside the default lab’s compute, with its size and the next addresses', () => {
    const node = proposeComputeNode(lab())
    expect(node).toEqual({
      name: 'compute2',
      role: 'compute',
      vcpus: 2,
      memoryMiB: 4096,
      diskGiB: 20,
      nics: [
        { network: 'default', ip: '192.168.122.111' },
        { network: 'g1-int', ip: '192.168.90.111' },
      ],
    })
    // The lab with it is valid (no clash of names or addresses).
    const def = lab()
    expect(LabDefinition.safeParse({ ...def, nodes: [...def.nodes, node] }).success).toBe(true)
  })

  it('skips taken names and addresses, and proposes the next again once the first is added', () => {
    const def = lab()
    const second = proposeComputeNode(def)
    const grown = { ...def, nodes: [...def.nodes, second] }
    const third = proposeComputeNode(grown)
    expect(third.name).toBe('compute3')
    expect(third.nics.map((n) => n.ip)).toEqual(['192.168.122.112', '192.168.90.112'])
    const named = { ...def, nodes: [...def.nodes, { ...second, name: 'compute3' }] }
    expect(freeComputeName(named)).toBe('compute4')
  })

  it('never proposes the gateway, the DHCP range, the network or broadcast address', () => {
    const def = lab()
    def.networks[1] = {
      ...def.networks[1]!,
      subnet: '192.168.90.0/29',
      gateway: '192.168.90.6',
      dhcp: { start: '192.168.90.2', end: '192.168.90.3' },
    }
    def.nodes[0]!.nics[1]!.ip = '192.168.90.4'
    def.nodes[1]!.nics[1]!.ip = '192.168.90.5'
    // .0 network, .1 taken as nothing but free, .2-.3 DHCP, .4-.5 nodes, .6 gateway, .7 broadcast.
    expect(freeAddress(def, 'g1-int', '192.168.90.5')).toBe('192.168.90.1')
    def.nodes[1]!.nics[1]!.ip = '192.168.90.1'
    expect(freeAddress(def, 'g1-int', '192.168.90.1')).toBe('192.168.90.5')
  })

  it('says nothing is free on a full network, and knows no network it is not given', () => {
    const def = lab()
    def.networks[1] = { ...def.networks[1]!, subnet: '192.168.90.0/30' } // .1 gateway, .2 only host
    def.nodes[1]!.nics[1]!.ip = '192.168.90.2'
    def.nodes[0]!.nics[1]!.ip = '192.168.90.2'
    expect(freeAddress(def, 'g1-int')).toBeNull()
    expect(freeAddress(def, 'no-such-net')).toBeNull()
  })
})
