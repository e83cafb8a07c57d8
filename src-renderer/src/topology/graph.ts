// The topology's shape: which boxes (host, networks, host bridges, lab groups, domains) and which lines (host
// to network or bridge, network or bridge to domain NIC) exist. A bridge NIC on a libvirt network's bridge is
// drawn to that network; on any other host bridge, to a "host bridge" box of its own. Pure: built from the store's domains, networks and labs. The `key` changes
// only when the shape does, so a domain changing state never triggers a new layout.
import type { LabSummary, Role } from '../../../src-shared/lab'
import type { DomainInfo, NetworkInfo } from '../../../src-shared/libvirt'

export const SIZES = {
  host: { width: 230, height: 120 },
  network: { width: 250, height: 64 },
  bridge: { width: 200, height: 56 },
  domain: { width: 240, height: 112 },
} as const

export type ShapeNode =
  | { id: string; kind: 'host' }
  | { id: string; kind: 'network'; name: string }
  /** A host bridge that no libvirt network owns (br0 made by the host's network setup). */
  | { id: string; kind: 'bridge'; name: string }
  | { id: string; kind: 'domain'; name: string; parent: string | null }
  | { id: string; kind: 'lab'; name: string }
  /** VMs outside any lab, boxed together when there are more than fit one column. */
  | { id: string; kind: 'others' }

export interface ShapeEdge {
  id: string
  source: string
  target: string
  /** Network (or host bridge) whose line this is. */
  network: string
  /** The network's place in name order (its colour). */
  index: number
}

export interface Shape {
  key: string
  nodes: ShapeNode[]
  edges: ShapeEdge[]
}

/** One colour per network (by its place in name order), for its box and its lines to VMs. */
const PALETTE = ['#2563eb', '#7c3aed', '#0f766e', '#be185d', '#a16207', '#4338ca', '#15803d', '#b91c1c']
export function networkColor(index: number): string {
  return PALETTE[(index < 0 ? 0 : index) % PALETTE.length]!
}

export const domainNodeId = (name: string) => `dom:${name}`
export const networkNodeId = (name: string) => `net:${name}`
export const bridgeNodeId = (name: string) => `hbr:${name}`
export const labNodeId = (name: string) => `lab:${name}`
export const HOST_ID = 'host'
export const OTHERS_ID = 'group:others'
/** More VMs outside labs than this go into one box laid out as a grid (a long single column is unreadable). */
export const OTHERS_GRID_FROM = 9

/** Which lab (its node, role and address) each domain belongs to, from the labs' node lists. */
export function labOfDomain(
  labs: LabSummary[],
): Map<string, { lab: string; node: string; role: Role; address: string }> {
  const map = new Map<string, { lab: string; node: string; role: Role; address: string }>()
  for (const lab of labs)
    for (const node of lab.nodes)
      if (node.domain)
        map.set(node.domain, { lab: lab.name, node: node.name, role: node.role, address: node.address })
  return map
}

export function buildShape(
  domains: Record<string, DomainInfo>,
  networks: Record<string, NetworkInfo>,
  labs: LabSummary[],
): Shape {
  const nodes: ShapeNode[] = [{ id: HOST_ID, kind: 'host' }]
  const edges: ShapeEdge[] = []
  const netNames = Object.keys(networks).sort()
  for (const name of netNames) {
    nodes.push({ id: networkNodeId(name), kind: 'network', name })
    edges.push({
      id: `e:host:${name}`,
      source: HOST_ID,
      target: networkNodeId(name),
      network: name,
      index: netNames.indexOf(name),
    })
  }
  // Host bridges with a VM on them, coloured after the networks. Their line ids start with `/`, which no
  // network name can hold, so they never clash with a network's.
  const bridges = [
    ...new Set(
      Object.values(domains).flatMap((d) =>
        d.nics.filter((n) => n.type === 'bridge' && !n.network && n.bridge).map((n) => n.bridge!),
      ),
    ),
  ].sort()
  for (const [i, name] of bridges.entries()) {
    nodes.push({ id: bridgeNodeId(name), kind: 'bridge', name })
    edges.push({
      id: `e:host:/${name}`,
      source: HOST_ID,
      target: bridgeNodeId(name),
      network: name,
      index: netNames.length + i,
    })
  }
  const byLab = labOfDomain(labs)
  const domNames = Object.keys(domains).sort()
  const usedLabs = [...new Set(domNames.map((d) => byLab.get(d)?.lab).filter((l): l is string => !!l))].sort()
  for (const lab of usedLabs) nodes.push({ id: labNodeId(lab), kind: 'lab', name: lab })
  const loose = domNames.filter((d) => !byLab.has(d)).length
  if (loose >= OTHERS_GRID_FROM) nodes.push({ id: OTHERS_ID, kind: 'others' })
  for (const name of domNames) {
    const lab = byLab.get(name)?.lab
    const parent = lab ? labNodeId(lab) : loose >= OTHERS_GRID_FROM ? OTHERS_ID : null
    nodes.push({ id: domainNodeId(name), kind: 'domain', name, parent })
    const seen = new Set<string>()
    for (const nic of domains[name]!.nics) {
      if (nic.network && networks[nic.network] && !seen.has(nic.network)) {
        seen.add(nic.network)
        edges.push({
          id: `e:${nic.network}:${name}`,
          source: networkNodeId(nic.network),
          target: domainNodeId(name),
          network: nic.network,
          index: netNames.indexOf(nic.network),
        })
      } else if (nic.type === 'bridge' && !nic.network && nic.bridge && !seen.has(`br:${nic.bridge}`)) {
        seen.add(`br:${nic.bridge}`)
        edges.push({
          id: `e:/${nic.bridge}:${name}`,
          source: bridgeNodeId(nic.bridge),
          target: domainNodeId(name),
          network: nic.bridge,
          index: netNames.length + bridges.indexOf(nic.bridge),
        })
      }
    }
  }
  const key = JSON.stringify([
    nodes.map((n) => (n.kind === 'domain' ? `${n.id}@${n.parent ?? ''}` : n.id)),
    edges.map((e) => e.id),
  ])
  return { key, nodes, edges }
}
