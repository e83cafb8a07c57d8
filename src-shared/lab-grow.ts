// What the "Add compute node" form proposes for a lab: a free name (compute2, compute3...), a free address
// on each of the lab's networks (after the existing compute's, never the gateway, the DHCP range, the
// network or broadcast address, or an address a node has), and the existing compute node's size.
import { formatIpv4, inSubnet, parseCidr, parseIpv4 } from './ipv4'
import type { LabDefinition, NodeDef } from './lab'

type LabShape = Pick<LabDefinition, 'networks' | 'nodes'>

/** The first free compute node name: compute<N+1> for N compute nodes, on past names already taken. */
export function freeComputeName(lab: Pick<LabDefinition, 'nodes'>): string {
  const taken = new Set(lab.nodes.map((n) => n.name))
  let i = lab.nodes.filter((n) => n.role === 'compute').length + 1
  while (taken.has(`compute${i}`)) i++
  return `compute${i}`
}

/** The first free address on a lab network after `from` (an address in it), or null when it is full. */
export function freeAddress(lab: LabShape, network: string, from?: string): string | null {
  const net = lab.networks.find((n) => n.name === network)
  const subnet = net && parseCidr(net.subnet)
  if (!net || !subnet) return null
  const size = 2 ** (32 - subnet.prefix)
  const last = subnet.base + size - 2 // before the broadcast address
  const used = new Set<number>()
  for (const node of lab.nodes)
    for (const nic of node.nics) {
      const a = parseIpv4(nic.ip)
      if (a !== null) used.add(a)
    }
  // The gateway: the one given, else the first host address (libvirt's own default for a network).
  used.add(net.gateway ? parseIpv4(net.gateway)! : subnet.base + 1)
  const dhcp = net.dhcp ? { start: parseIpv4(net.dhcp.start)!, end: parseIpv4(net.dhcp.end)! } : null
  const start = from !== undefined ? parseIpv4(from) : null
  const first = start !== null && inSubnet(subnet, start) ? start + 1 : subnet.base + 2
  for (let pass = 0; pass < 2; pass++) {
    for (let a = pass ? subnet.base + 1 : first; a <= (pass ? first - 1 : last); a++) {
      if (used.has(a) || (dhcp && a >= dhcp.start && a <= dhcp.end)) continue
      return formatIpv4(a)
    }
  }
  return null
}

/** The node a new compute node is modelled on: the last compute node, else the first node. */
export function computeModel(lab: Pick<LabDefinition, 'nodes'>): NodeDef {
  return lab.nodes.filter((n) => n.role === 'compute').at(-1) ?? lab.nodes[0]!
}

/**
 * A new compute node for the lab: the free name, the existing compute's size (the controller's when there
 * is none) and NICs on the same networks, each with a free address after that node's.
 */
export function proposeComputeNode(lab: LabShape): NodeDef {
  const model = computeModel(lab)
  const nics = model.nics.map((nic) => ({
    network: nic.network,
    ip: freeAddress(lab, nic.network, nic.ip) ?? '',
  })) as NodeDef['nics']
  return {
    name: freeComputeName(lab),
    role: 'compute',
    vcpus: model.vcpus,
    memoryMiB: model.memoryMiB,
    diskGiB: model.diskGiB,
    nics,
  }
}
