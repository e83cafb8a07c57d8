// The network rules a lab must satisfy, in one place: the lab schema checks them as a definition is written
// (CLI, API, wizard), `lab.validate` and create check the ones that depend on the host's own networks, and
// the libvirt network calls use the same address rules. Pure functions; every problem names its field.
import { formatCidr, inSubnet, parseCidr, parseIpv4, subnetSize, subnetsOverlap, type Subnet } from './ipv4'
import type { NetworkInfo } from './libvirt'

export interface RuleIssue {
  path: (string | number)[]
  message: string
}

/** The host's address on a network: the one given, or the subnet's first address (libvirt's habit). */
export function gatewayOf(subnet: Subnet, gateway?: string | null): number {
  return (gateway ? parseIpv4(gateway) : null) ?? subnet.base + 1
}

/** Why `addr` cannot be a host's address on `subnet` (outside it, its network or broadcast address). */
export function addressProblem(subnet: Subnet, addr: number, text: string, network?: string): string | null {
  if (inSubnet(subnet, addr)) return null
  const cidr = `${formatCidr(subnet)}${network ? ` of network ${network}` : ''}`
  if (addr === subnet.base) return `${text} is the network address of ${cidr}, not a host address`
  if (addr === subnet.base + subnetSize(subnet) - 1)
    return `${text} is the broadcast address of ${cidr}, not a host address`
  return `${text} is outside ${cidr}`
}

/** The host's own address on the network: a usable address of its subnet. */
export function gatewayIssues(subnet: Subnet, gateway: string | undefined): RuleIssue[] {
  const addr = gateway ? parseIpv4(gateway) : null
  if (!gateway || addr === null) return []
  const problem = addressProblem(subnet, addr, gateway)
  return problem ? [{ path: [], message: problem }] : []
}

/** A DHCP range: in order, inside the subnet, and not handing out the host's own address. */
export function dhcpRangeIssues(
  subnet: Subnet,
  range: { start: string; end: string },
  gateway: number,
): RuleIssue[] {
  const issues: RuleIssue[] = []
  const start = parseIpv4(range.start)
  const end = parseIpv4(range.end)
  if (start === null || end === null) return issues
  const startProblem = addressProblem(subnet, start, range.start)
  if (startProblem) issues.push({ path: ['start'], message: startProblem })
  const endProblem = addressProblem(subnet, end, range.end)
  if (endProblem) issues.push({ path: ['end'], message: endProblem })
  if (start > end)
    issues.push({ path: ['end'], message: `${range.end} comes before the start ${range.start}` })
  if (gateway >= start && gateway <= end)
    issues.push({ path: [], message: `the range contains the host's address on the network` })
  return issues
}

/** What the lab rules read of a definition (the schema's output, or a draft that passed its field checks). */
export interface LabNetworksInput {
  name: string
  networks: {
    name: string
    mode: 'nat' | 'isolated'
    subnet: string
    gateway?: string | undefined
    dhcp?: { start: string; end: string } | undefined
  }[]
  nodes: { name: string; nics: { network: string; ip: string }[] }[]
}

/**
 * The lab's networks and its nodes' addresses, without the host: what `lab validate` refuses anywhere.
 * Stacklab creates a lab's isolated networks; a `nat` network is one the host has (like `default`), used
 * as it is. A lab has one: its NIC carries each node's default route, and libvirt does not forward between
 * two NAT networks.
 */
export function labNetworkIssues(lab: LabNetworksInput): RuleIssue[] {
  const issues: RuleIssue[] = []
  const issue = (path: (string | number)[], message: string) => issues.push({ path, message })
  const nets = new Map<string, { subnet: Subnet | null; def: LabNetworksInput['networks'][number] }>()
  let nat: string | null = null
  lab.networks.forEach((n, i) => {
    const at = ['networks', i]
    if (nets.has(n.name)) issue([...at, 'name'], `network ${n.name} is defined twice`)
    const subnet = parseCidr(n.subnet)
    for (const [other, o] of nets) {
      if (subnet && o.subnet && subnetsOverlap(subnet, o.subnet))
        issue([...at, 'subnet'], `${n.subnet} overlaps ${formatCidr(o.subnet)} of network ${other}`)
    }
    if (!nets.has(n.name)) nets.set(n.name, { subnet, def: n })
    if (n.mode === 'nat') {
      if (nat !== null)
        issue(
          [...at, 'mode'],
          `a lab uses one NAT network (${nat}); make ${n.name} isolated: Stacklab creates internal networks ` +
            `isolated, a node on two NAT networks would have two default routes, and libvirt does not ` +
            `forward between NAT networks`,
        )
      else nat = n.name
      if (n.dhcp)
        issue(
          [...at, 'dhcp'],
          `the NAT network is the host's own, used as it is: its DHCP range is the host's and is not set ` +
            `from a lab; remove dhcp`,
        )
    } else if (n.name === 'default') {
      issue(
        [...at, 'name'],
        `default is the name of libvirt's own NAT network; give this internal network another name (like ${lab.name}-int)`,
      )
    }
    if (!subnet) return
    for (const g of gatewayIssues(subnet, n.gateway)) issue([...at, 'gateway', ...g.path], g.message)
    if (n.dhcp && n.mode !== 'nat') {
      for (const d of dhcpRangeIssues(subnet, n.dhcp, gatewayOf(subnet, n.gateway)))
        issue([...at, 'dhcp', ...d.path], d.message)
    }
  })
  if (nat === null)
    issue(['networks'], 'a lab needs a NAT network (the default one) so nodes reach package repositories')

  const ips = new Map<string, string>()
  lab.nodes.forEach((node, i) => {
    const seenNets = new Set<string>()
    node.nics.forEach((nic, j) => {
      const at = ['nodes', i, 'nics', j]
      const net = nets.get(nic.network)
      if (!net) return issue([...at, 'network'], `no network named ${nic.network} in this lab`)
      if (seenNets.has(nic.network))
        issue([...at, 'network'], `${node.name} already has a NIC on ${nic.network}`)
      seenNets.add(nic.network)
      const addr = parseIpv4(nic.ip)
      if (addr === null || !net.subnet) return
      const problem = addressProblem(net.subnet, addr, nic.ip, nic.network)
      if (problem) return issue([...at, 'ip'], problem)
      if (addr === gatewayOf(net.subnet, net.def.gateway))
        issue([...at, 'ip'], `${nic.ip} is the host's own address on ${nic.network}`)
      const dhcp = net.def.dhcp
      const [start, end] = dhcp ? [parseIpv4(dhcp.start), parseIpv4(dhcp.end)] : [null, null]
      if (dhcp && start !== null && end !== null && addr >= start && addr <= end)
        issue([...at, 'ip'], `${nic.ip} is inside the DHCP range ${dhcp.start}-${dhcp.end} of ${nic.network}`)
      const owner = ips.get(nic.ip)
      if (owner) issue([...at, 'ip'], `${nic.ip} is already used by ${owner}`)
      else ips.set(nic.ip, node.name)
    })
  })
  return issues
}

/** What works but is likely not what was meant: shown, not refused. */
export function labNetworkWarnings(lab: LabNetworksInput): RuleIssue[] {
  const nat = new Set(lab.networks.filter((n) => n.mode === 'nat').map((n) => n.name))
  const warnings: RuleIssue[] = []
  lab.nodes.forEach((node, i) => {
    if (nat.size && !node.nics.some((nic) => nat.has(nic.network)))
      warnings.push({
        path: ['nodes', i, 'nics'],
        message: `${node.name} has no NIC on the NAT network (${[...nat].join(', ')}): it cannot reach package repositories, so installing OpenStack on it will fail`,
      })
  })
  return warnings
}

/**
 * The lab against the host's networks (what create finds when it starts): the NAT network exists, is NAT,
 * and is the subnet the definition says; the internal networks Stacklab will create do not clash with a
 * network already there. `owned` names networks this lab made earlier (a resume), which are its own.
 */
export function labHostNetworkIssues(
  lab: LabNetworksInput,
  existing: NetworkInfo[],
  owned: readonly string[] = [],
): RuleIssue[] {
  const issues: RuleIssue[] = []
  const natNames = new Set(lab.networks.filter((n) => n.mode === 'nat').map((n) => n.name))
  lab.networks.forEach((net, i) => {
    const at = ['networks', i]
    const found = existing.find((e) => e.name === net.name)
    if (net.mode === 'nat') {
      if (!found) {
        issues.push({
          path: [...at, 'name'],
          message:
            `no network named ${net.name} on this host: a NAT network must exist (Stacklab uses it as it is)` +
            (net.name === 'default'
              ? '; make it with: virsh net-define /usr/share/libvirt/networks/default.xml && virsh net-start default'
              : ''),
        })
        return
      }
      if (found.mode !== 'nat')
        issues.push({
          path: [...at, 'mode'],
          message: `network ${net.name} on this host is ${found.mode}, not NAT: nodes on it could not reach package repositories`,
        })
      if (found.subnet !== net.subnet)
        issues.push({
          path: [...at, 'subnet'],
          message: found.subnet
            ? `network ${net.name} on this host is ${found.subnet}, not ${net.subnet}: write its subnet and node addresses in it`
            : `network ${net.name} on this host has no IPv4 subnet`,
        })
      else if (net.gateway && found.gateway && net.gateway !== found.gateway)
        issues.push({
          path: [...at, 'gateway'],
          message: `the host's address on ${net.name} is ${found.gateway}, not ${net.gateway}`,
        })
      return
    }
    if (found && !owned.includes(net.name)) {
      issues.push({
        path: [...at, 'name'],
        message: `a network named ${net.name} already exists on this host and is not this lab's`,
      })
      return
    }
    const subnet = parseCidr(net.subnet)
    if (!subnet) return
    for (const other of existing) {
      if (other.name === net.name || natNames.has(other.name) || owned.includes(other.name)) continue
      const theirs = other.subnet ? parseCidr(other.subnet) : null
      if (theirs && subnetsOverlap(subnet, theirs))
        issues.push({
          path: [...at, 'subnet'],
          message: `${net.subnet} overlaps ${other.subnet} of network ${other.name} on this host`,
        })
    }
  })
  return issues
}

/** `networks.1.dhcp.end` from a rule's path (the form the API's issues use). */
export function pathText(path: (string | number)[]): string {
  return path.length ? path.map(String).join('.') : '(input)'
}
