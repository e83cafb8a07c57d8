// A lab against the live host, in one place: what create refuses because the host already has it (a
// network's name or subnet, a VM's name, an address another VM or the host uses, a lab's name), and the
// free values to offer instead. The engine checks a definition with these before it creates anything and
// again in the job; the wizard checks its draft with the same functions as the user types. Pure functions.
import { formatCidr, formatIpv4, inSubnet, parseCidr, parseIpv4, subnetSize, subnetsOverlap } from './ipv4'
import { nodeDomainName } from './lab'
import { gatewayOf, labHostNetworkIssues, type LabNetworksInput, type RuleIssue } from './lab-networks'
import type { NetworkInfo } from './libvirt'

/** What the rules read of a domain on the host: its name and where its NICs are. */
export interface HostDomain {
  name: string
  nics: { mac: string; network: string | null; addresses: string[] }[]
}

/** The host as the rules see it: its libvirt networks and domains, and the labs Stacklab keeps. */
export interface HostView {
  networks: NetworkInfo[]
  domains: HostDomain[]
  /** Names of labs Stacklab has; absent where the caller checks the name itself (create does). */
  labs?: readonly string[]
}

/** What an earlier run of the same lab made (a resume): its own, not a clash. */
export interface Owned {
  networks: readonly string[]
  domains: readonly string[]
}

const NONE: Owned = { networks: [], domains: [] }

/** A node's VM name that another VM on the host has. */
export function labHostDomainIssues(
  lab: LabNetworksInput,
  domains: readonly HostDomain[],
  owned: readonly string[] = [],
): RuleIssue[] {
  const taken = new Set(domains.map((d) => d.name))
  const issues: RuleIssue[] = []
  lab.nodes.forEach((node, i) => {
    const vm = nodeDomainName(lab.name, node.name)
    if (taken.has(vm) && !owned.includes(vm))
      issues.push({
        path: ['nodes', i, 'name'],
        message: `a VM named ${vm} already exists on this host and is not this lab's`,
      })
  })
  return issues
}

/**
 * A node's address on a network the host already has (the NAT one): not the host's own address there, not
 * another VM's (from leases, ARP, the guest agent) and not a fixed DHCP address the network keeps for
 * another machine.
 */
export function labHostAddressIssues(
  lab: LabNetworksInput,
  host: HostView,
  owned: Owned = NONE,
): RuleIssue[] {
  const issues: RuleIssue[] = []
  const ownMacs = new Set(
    host.domains.filter((d) => owned.domains.includes(d.name)).flatMap((d) => d.nics.map((n) => n.mac)),
  )
  lab.nodes.forEach((node, i) => {
    node.nics.forEach((nic, j) => {
      const found = host.networks.find((n) => n.name === nic.network)
      const def = lab.networks.find((n) => n.name === nic.network)
      const subnet = def ? parseCidr(def.subnet) : null
      if (!found || !def || !subnet || found.subnet !== def.subnet || parseIpv4(nic.ip) === null) return
      const at = ['nodes', i, 'nics', j, 'ip']
      // labNetworkIssues already refuses the gateway the definition says (or the first address).
      if (
        found.gateway &&
        found.gateway === nic.ip &&
        parseIpv4(found.gateway) !== gatewayOf(subnet, def.gateway)
      )
        return issues.push({ path: at, message: `${nic.ip} is the host's own address on ${nic.network}` })
      const user = host.domains.find(
        (d) =>
          !owned.domains.includes(d.name) &&
          d.nics.some((n) => n.network === nic.network && n.addresses.includes(nic.ip)),
      )
      if (user)
        return issues.push({
          path: at,
          message: `${nic.ip} is already used by VM ${user.name} on ${nic.network}`,
        })
      const kept = found.staticHosts.find((h) => h.ip === nic.ip && !ownMacs.has(h.mac))
      if (kept)
        issues.push({
          path: at,
          message: `${nic.ip} is kept on ${nic.network} for ${kept.name ?? kept.mac} (a fixed DHCP address of the host's network)`,
        })
    })
  })
  return issues
}

/** A lab name Stacklab already has: create refuses it until that lab is deleted. */
export function labNameIssues(name: string, labs: readonly string[] | undefined): RuleIssue[] {
  return labs?.includes(name)
    ? [{ path: ['name'], message: `a lab named ${name} exists: delete it or choose another name` }]
    : []
}

/** Everything create refuses about this host, by field: networks, VM names, addresses, the lab's name. */
export function labHostIssues(lab: LabNetworksInput, host: HostView, owned: Owned = NONE): RuleIssue[] {
  return [
    ...labNameIssues(lab.name, host.labs),
    ...labHostNetworkIssues(lab, host.networks, owned.networks),
    ...labHostDomainIssues(lab, host.domains, owned.domains),
    ...labHostAddressIssues(lab, host, owned),
  ]
}

/** `lab` → `lab`, `lab12` → `lab`: the part a numbered variant is made from. */
function stem(name: string): string {
  let end = name.length
  while (end > 0 && name[end - 1]! >= '0' && name[end - 1]! <= '9') end--
  return end ? name.slice(0, end) : name
}

/** Names derived from the lab's: its VMs, and its own internal network (`lab1-int`). */
function labNameFree(lab: LabNetworksInput, host: HostView, name: string): boolean {
  if (host.labs?.includes(name)) return false
  if (
    lab.networks.some((n) => n.name === `${lab.name}-int`) &&
    host.networks.some((n) => n.name === `${name}-int`)
  )
    return false
  return !lab.nodes.some((node) => {
    const vm = nodeDomainName(name, node.name)
    return vm.length > 63 || host.domains.some((d) => d.name === vm)
  })
}

/** The first free `stem2`, `stem3`... where `free` says yes (never the name itself). */
function numbered(name: string, free: (candidate: string) => boolean): string | null {
  const base = stem(name)
  for (let i = 2; i < 1000; i++) {
    const candidate = `${base}${i}`
    if (candidate !== name && free(candidate)) return candidate
  }
  return null
}

/**
 * A subnet of the same size as `subnet` that overlaps no network of the host and no other network of the
 * lab: the next ones after it in the same /16 (192.168.90.0/24 → 192.168.91.0/24 ...), wrapping around.
 */
function freeSubnet(lab: LabNetworksInput, host: HostView, index: number): string | null {
  const subnet = parseCidr(lab.networks[index]?.subnet ?? '')
  if (!subnet || subnet.prefix < 16 || subnet.prefix > 30) return null
  const taken = [
    ...host.networks
      .filter((n) => n.name !== lab.networks[index]?.name)
      .flatMap((n) => n.ipv4.map((b) => b.subnet)),
    ...lab.networks.filter((_, i) => i !== index).map((n) => n.subnet),
  ].flatMap((s) => (s ? [parseCidr(s)] : []))
  const size = subnetSize(subnet)
  const block = subnet.base - (subnet.base % 65536)
  const count = 65536 / size
  const from = (subnet.base - block) / size
  for (let k = 1; k < count; k++) {
    const base = block + ((from + k) % count) * size
    const candidate = { base, prefix: subnet.prefix }
    if (!taken.some((t) => t && subnetsOverlap(t, candidate))) return formatCidr(candidate)
  }
  return null
}

/** An address on the NIC's network nobody uses: not the host's, not in a DHCP range, no VM's, no node's. */
function freeAddress(lab: LabNetworksInput, host: HostView, node: number, nicIndex: number): string | null {
  const nic = lab.nodes[node]?.nics[nicIndex]
  const def = lab.networks.find((n) => n.name === nic?.network)
  const subnet = def ? parseCidr(def.subnet) : null
  if (!nic || !def || !subnet) return null
  const found = host.networks.find((n) => n.name === def.name)
  const used = new Set<number>([gatewayOf(subnet, def.gateway)])
  const add = (ip: string | null | undefined) => {
    const addr = ip ? parseIpv4(ip) : null
    if (addr !== null) used.add(addr)
  }
  add(found?.gateway)
  for (const n of lab.nodes) for (const c of n.nics) if (c.network === def.name) add(c.ip)
  for (const d of host.domains) for (const c of d.nics) if (c.network === def.name) c.addresses.forEach(add)
  for (const h of found?.staticHosts ?? []) add(h.ip)
  const ranges = [...(def.dhcp ? [def.dhcp] : []), ...(found?.dhcpRanges ?? [])].flatMap((r) => {
    const [s, e] = [parseIpv4(r.start), parseIpv4(r.end)]
    return s !== null && e !== null ? [[s, e] as const] : []
  })
  const current = parseIpv4(nic.ip)
  const size = subnetSize(subnet)
  const from = current !== null && inSubnet(subnet, current) ? current - subnet.base : 100
  // From the node's own host part on (the seeds' .100, .110 ...), wrapping around; outside the DHCP ranges
  // first (a DHCP client could be handed an address inside one), inside one only when nothing else is free.
  for (const avoidRanges of [true, false]) {
    for (let k = 1; k < size; k++) {
      const addr = subnet.base + ((from + k) % size)
      if (!inSubnet(subnet, addr) || used.has(addr)) continue
      if (avoidRanges && ranges.some(([s, e]) => addr >= s && addr <= e)) continue
      return formatIpv4(addr)
    }
  }
  return null
}

/**
 * One free value to offer for each field the host refuses, by the field's path (`nodes.0.name`): a lab
 * name, a node name, a subnet, a network name, an address. Taking it clears that field's clash.
 */
export function labHostProposals(
  lab: LabNetworksInput,
  host: HostView,
  issues: readonly RuleIssue[],
): Record<string, string> {
  const proposals: Record<string, string> = {}
  const put = (path: (string | number)[], value: string | null) => {
    if (value !== null) proposals[path.join('.')] ??= value
  }
  for (const issue of issues) {
    const [head, i, field, j, leaf] = issue.path
    if (head === 'name')
      put(
        ['name'],
        numbered(lab.name, (c) => labNameFree(lab, host, c)),
      )
    if (head === 'networks' && typeof i === 'number' && field === 'subnet')
      put(issue.path, freeSubnet(lab, host, i))
    if (head === 'networks' && typeof i === 'number' && field === 'name') {
      const net = lab.networks[i]
      if (!net || net.mode === 'nat') continue
      // The lab's own internal network follows the lab's name: offer a free lab name; any other a free name.
      if (net.name === `${lab.name}-int`)
        put(
          ['name'],
          numbered(lab.name, (c) => labNameFree(lab, host, c)),
        )
      else
        put(
          issue.path,
          numbered(
            net.name,
            (c) => !host.networks.some((n) => n.name === c) && !lab.networks.some((n) => n.name === c),
          ),
        )
    }
    if (head === 'nodes' && typeof i === 'number' && field === 'name') {
      const node = lab.nodes[i]
      if (!node) continue
      put(
        issue.path,
        numbered(
          node.name,
          (c) =>
            !lab.nodes.some((n) => n.name === c) &&
            !host.domains.some((d) => d.name === nodeDomainName(lab.name, c)) &&
            nodeDomainName(lab.name, c).length <= 63,
        ),
      )
      put(
        ['name'],
        numbered(lab.name, (c) => labNameFree(lab, host, c)),
      )
    }
    if (
      head === 'nodes' &&
      typeof i === 'number' &&
      field === 'nics' &&
      typeof j === 'number' &&
      leaf === 'ip'
    )
      put(issue.path, freeAddress(lab, host, i, j))
  }
  return proposals
}
