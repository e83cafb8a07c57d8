// The topology's shape: VMs grouped by the lab that owns them, lines only to networks that exist, and a
// shape key that ignores state changes (so a VM starting never costs a new layout) but not new objects.
import { describe, expect, it } from 'vitest'
import type { DomainInfo } from '../../src-shared/libvirt'
import { buildShape } from '../../src-renderer/src/topology/graph'
import { domain, lab, network } from './topology-fixtures'

describe('topology shape', () => {
  const networks = { default: network('default'), mgmt: network('mgmt', 'isolated') }
  const domains = {
    'demo-controller': domain('demo-controller', ['default', 'mgmt']),
    'demo-compute1': domain('demo-compute1', ['mgmt', 'br0']),
    loose: domain('loose', ['default']),
  }

  it('groups lab VMs under their lab and links NICs to existing networks only', () => {
    const shape = buildShape(domains, networks, [lab])
    expect(shape.nodes.find((n) => n.id === 'lab:demo')).toEqual({
      id: 'lab:demo',
      kind: 'lab',
      name: 'demo',
    })
    expect(shape.nodes.find((n) => n.id === 'dom:demo-compute1')).toMatchObject({ parent: 'lab:demo' })
    expect(shape.nodes.find((n) => n.id === 'dom:loose')).toMatchObject({ parent: null })
    expect(shape.edges.map((e) => e.id).sort()).toEqual(
      [
        'e:host:default',
        'e:host:mgmt',
        'e:default:demo-controller',
        'e:mgmt:demo-controller',
        'e:mgmt:demo-compute1',
        'e:default:loose',
      ].sort(),
    )
  })

  it('boxes many VMs outside labs together, so they can be laid out as a grid', () => {
    const many = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`vm${i}`, domain(`vm${i}`, ['default'])]),
    )
    const shape = buildShape(many, networks, [])
    expect(shape.nodes.filter((n) => n.kind === 'others')).toHaveLength(1)
    expect(shape.nodes.filter((n) => n.kind === 'domain' && n.parent === 'group:others')).toHaveLength(12)
    // A few stay loose, one box each.
    expect(buildShape(domains, networks, []).nodes.some((n) => n.kind === 'others')).toBe(false)
  })

  it('keeps its key through state changes and changes it for a new VM or NIC', () => {
    const key = buildShape(domains, networks, [lab]).key
    const stopped = { ...domains, loose: domain('loose', ['default'], 'shutoff') }
    expect(buildShape(stopped, networks, [lab]).key).toBe(key)
    const more = { ...domains, extra: domain('extra', []) }
    expect(buildShape(more, networks, [lab]).key).not.toBe(key)
    const moved = { ...domains, loose: domain('loose', ['mgmt']) }
    expect(buildShape(moved, networks, [lab]).key).not.toBe(key)
    expect(buildShape(domains, networks, []).key).not.toBe(key)
  })

  it('draws a bridge NIC to the network owning its bridge, else to a host-bridge box of its own', () => {
    const nic = (type: string, over: Partial<DomainInfo['nics'][number]>) => ({
      mac: '52:54:00:00:01:01',
      type,
      network: null,
      bridge: null,
      source: null,
      target: null,
      model: null,
      addresses: [],
      ...over,
    })
    const vm = (name: string, nics: DomainInfo['nics']): DomainInfo => ({ ...domain(name, []), nics })
    const shape = buildShape(
      {
        // virbr0 belongs to `default`: the engine resolved it, so it is an edge to that network.
        a: vm('a', [nic('bridge', { bridge: 'virbr0', network: 'default' })]),
        b: vm('b', [nic('bridge', { bridge: 'br0' }), nic('direct', { source: 'eth0 (vepa)' })]),
        c: vm('c', [nic('bridge', { bridge: 'br0' }), nic('user', {})]),
      },
      networks,
      [],
    )
    expect(shape.nodes.filter((n) => n.kind === 'bridge')).toEqual([
      { id: 'hbr:br0', kind: 'bridge', name: 'br0' },
    ])
    expect(shape.edges.map((e) => e.id).sort()).toEqual(
      ['e:host:default', 'e:host:mgmt', 'e:host:/br0', 'e:default:a', 'e:/br0:b', 'e:/br0:c'].sort(),
    )
  })
})
