// One domain put together: its XML facts, its state from `domstats`, and the addresses seen for its NICs
// (static hosts and DHCP leases of its network, the host's ARP table, the guest agent). A bridge NIC is linked
// to the libvirt network that owns its bridge, when one does; a volume disk gets the path libvirt gives it.
import { outputLines } from '../lines'
import type { DomainInfo, DomainState, Lease, NetworkInfo } from '../../../src-shared/libvirt'
import type { DomainXmlFacts } from './domain-xml'

const STATES: DomainState[] = [
  'nostate',
  'running',
  'blocked',
  'paused',
  'shutdown',
  'shutoff',
  'crashed',
  'pmsuspended',
]
const REASONS: Partial<Record<DomainState, string[]>> = {
  running: [
    'unknown',
    'booted',
    'migrated',
    'restored',
    'from snapshot',
    'unpaused',
    'migration canceled',
    'save canceled',
    'wakeup',
    'crashed',
    'post-copy',
  ],
  paused: [
    'unknown',
    'user',
    'migration',
    'save',
    'dump',
    'I/O error',
    'watchdog',
    'from snapshot',
    'shutting down',
    'snapshot',
    'crashed',
    'starting up',
    'post-copy',
  ],
  shutoff: [
    'unknown',
    'shutdown',
    'destroyed',
    'crashed',
    'migrated',
    'saved',
    'failed',
    'from snapshot',
    'daemon',
  ],
  shutdown: ['unknown', 'user'],
  crashed: ['unknown', 'panicked'],
}

export interface DomainStats {
  state: DomainState
  reason: string
}

/** `domstats --raw --state` output: `Domain: 'name'` blocks of `state.state=N` lines. */
export function parseDomstats(out: string): Map<string, DomainStats> {
  const result = new Map<string, DomainStats>()
  let name: string | null = null
  let state = 0
  let reason = 0
  const flush = () => {
    if (name === null) return
    const s = STATES[state] ?? 'nostate'
    result.set(name, { state: s, reason: REASONS[s]?.[reason] ?? String(reason) })
  }
  for (const line of out.split('\n')) {
    const head = /^Domain: '(.*)'$/.exec(line.trim())
    if (head) {
      flush()
      name = head[1]!
      state = 0
      reason = 0
      continue
    }
    const kv = /^\s*state\.(state|reason)=(\d+)/.exec(line)
    if (kv) {
      if (kv[1] === 'state') state = Number(kv[2])
      else reason = Number(kv[2])
    }
  }
  flush()
  return result
}

/**
 * `domifaddr` output (`--source arp` or `agent`): MAC and IPv4 address per line; a line with `-` for the MAC
 * is another address of the interface above. Read from the end of each line: a guest agent reports the
 * guest's own interface names, which may hold spaces.
 */
export function parseDomifaddr(out: string): { mac: string; ip: string }[] {
  const found: { mac: string; ip: string }[] = []
  let last: string | null = null
  for (const line of out.split('\n')) {
    const m = /(?:^|\s)((?:[0-9a-f]{2}:){5}[0-9a-f]{2}|-)\s+(ipv4|ipv6)\s+(\S+?)\/\d+\s*$/i.exec(line)
    if (!m) continue
    const mac: string | null = m[1] === '-' ? last : m[1]!.toLowerCase()
    last = mac
    if (mac && m[2]!.toLowerCase() === 'ipv4') found.push({ mac, ip: m[3]! })
  }
  return found
}

export interface AssembleContext {
  networks: NetworkInfo[]
  /** DHCP leases by network name. */
  leases: Map<string, Lease[]>
  /** Addresses seen by MAC (ARP, guest agent). */
  observed?: { mac: string; ip: string }[]
  /** Paths of pool volumes, by `pool\0volume`. */
  volumePaths?: Map<string, string>
}

export function assembleDomain(
  facts: DomainXmlFacts,
  stats: DomainStats | undefined,
  flags: { autostart: boolean; persistent: boolean },
  context: AssembleContext,
): DomainInfo {
  const readable = context.networks.filter((n) => !n.problem)
  return {
    name: facts.name,
    uuid: facts.uuid,
    state: stats?.state ?? 'nostate',
    reason: stats?.reason ?? 'unknown',
    type: facts.type,
    vcpus: facts.vcpus,
    memoryMiB: facts.memoryMiB,
    ...flags,
    disks: facts.disks.map((d) =>
      d.type === 'volume'
        ? { ...d, source: context.volumePaths?.get(`${d.pool}\u0000${d.volume}`) ?? null }
        : d,
    ),
    nics: facts.nics.map((n) => {
      const net =
        n.type === 'network'
          ? readable.find((x) => x.name === n.network)
          : n.type === 'bridge' && n.bridge
            ? readable.find((x) => x.bridge === n.bridge)
            : undefined
      const addresses = new Set<string>()
      if (n.mac) {
        for (const h of net?.staticHosts ?? []) if (h.mac === n.mac && h.ip) addresses.add(h.ip)
        for (const l of context.leases.get(net?.name ?? '') ?? []) if (l.mac === n.mac) addresses.add(l.ip)
        for (const o of context.observed ?? []) if (o.mac === n.mac) addresses.add(o.ip)
      }
      return {
        ...n,
        network: net?.name ?? n.network,
        bridge: n.bridge ?? net?.bridge ?? null,
        addresses: [...addresses],
      }
    }),
    serialConsole: facts.serialConsole,
    problem: null,
  }
}

/** `net-dhcp-leases` has no XML form; its table is read column by column, by pattern. */
export function parseLeases(out: string): Lease[] {
  const leases: Lease[] = []
  for (const line of outputLines(out)) {
    const m = /^\s*(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s+([0-9a-f:]{17})\s+ipv4\s+([\d.]+)\/\d+\s+(\S+)/i.exec(
      line,
    )
    if (m)
      leases.push({
        expires: m[1]!,
        mac: m[2]!.toLowerCase(),
        ip: m[3]!,
        hostname: m[4] === '-' ? null : m[4]!,
      })
  }
  return leases
}
