// A full picture of one connection (every domain with its details, every network, DHCP leases, ARP and agent
// addresses, volume paths) in two virsh processes however many domains there are (three when a domain has
// pool volumes or a connected guest agent), and the same reading for one domain.
//
// Every object is read on its own: a domain or network whose XML cannot be parsed, or whose details fail the
// contract, becomes an entry with its name, UUID and `problem`, and never hides the others. Objects are
// addressed by UUID (see lookup.ts), so no name, however odd, can reach virsh as an ID or an option.
import {
  DomainInfo,
  NetworkInfo,
  type DiskInfo,
  type DomainState,
  type Lease,
} from '../../../src-shared/libvirt'
import { RefName } from '../../../src-shared/names'
import { virshBatch, type VirshCommand } from './batch'
import { assembleDomain, parseDomifaddr, parseDomstats, parseLeases, type DomainStats } from './assemble'
import { parseDomainXml, type DomainXmlFacts } from './domain-xml'
import { LibvirtError } from './errors'
import { DOMAIN_NAMES, parseUuidNames, uuidsOf } from './lookup'
import { parseNetworkXml } from './network-xml'
import { decodeEntities } from './xml'
import type { Virsh } from './virsh'

export interface Picture {
  domains: DomainInfo[]
  networks: NetworkInfo[]
}

const NET_LISTS: VirshCommand[] = [
  ['net-list', '--all', '--uuid'],
  ['net-list', '--uuid'],
  ['net-list', '--all', '--uuid', '--autostart'],
  ['net-list', '--all', '--uuid', '--persistent'],
]
const DOMAIN_FLAGS: VirshCommand[] = [
  ['list', '--all', '--uuid', '--autostart'],
  ['list', '--all', '--uuid', '--persistent'],
]

const LIVE = new Set<DomainState>(['running', 'blocked', 'paused'])

/** Commands collected for one batch, each remembered by where its output will be. */
class Commands {
  readonly list: VirshCommand[] = []
  add(command: VirshCommand): number {
    this.list.push(command)
    return this.list.length - 1
  }
}

function message(error: unknown): string {
  if (error instanceof LibvirtError) return error.detail || error.message
  return (error as Error)?.message ?? String(error)
}

/** The name in a document the parser could not read, for the entry that says so. */
function nameIn(xml: string | null | undefined): string | null {
  const m = /<name>([^<]*)<\/name>/.exec(xml ?? '')
  return m ? decodeEntities(m[1]!) : null
}

// --- Networks ----------------------------------------------------------------------------------------------

interface NetworkLists {
  uuids: string[]
  active: Set<string>
  autostart: Set<string>
  persistent: Set<string>
}

function networkLists(out: (string | null)[]): NetworkLists {
  return {
    uuids: uuidsOf(out[0]),
    active: new Set(uuidsOf(out[1])),
    autostart: new Set(uuidsOf(out[2])),
    persistent: new Set(uuidsOf(out[3])),
  }
}

export function unreadableNetwork(
  uuid: string,
  name: string,
  flags: { active: boolean; autostart: boolean; persistent: boolean },
  problem: string,
): NetworkInfo {
  return {
    name,
    uuid,
    ...flags,
    mode: 'unknown',
    bridge: null,
    subnet: null,
    gateway: null,
    ipv4: [],
    dhcpRanges: [],
    staticHosts: [],
    problem: { message: problem },
  }
}

/** Each network from its own XML, or an entry saying why it could not be read. */
export function networksFrom(lists: NetworkLists, xmls: (string | null)[]): NetworkInfo[] {
  const nets: NetworkInfo[] = []
  lists.uuids.forEach((uuid, i) => {
    const xml = xmls[i]
    const flags = {
      active: lists.active.has(uuid),
      autostart: lists.autostart.has(uuid),
      persistent: lists.persistent.has(uuid),
    }
    if (!xml) return // removed between the two calls
    try {
      const net = NetworkInfo.parse(parseNetworkXml(xml, flags))
      const named = RefName.safeParse(net.name)
      nets.push(
        named.success
          ? net
          : unreadableNetwork(
              uuid,
              net.name,
              flags,
              `its name cannot be used in Stacklab: ${named.error.issues[0]?.message}`,
            ),
      )
    } catch (error) {
      nets.push(unreadableNetwork(uuid, nameIn(xml) ?? uuid, flags, message(error)))
    }
  })
  return nets
}

/** Every network (two virsh processes). */
export async function readNetworks(virsh: Virsh): Promise<NetworkInfo[]> {
  const lists = networkLists(await virshBatch(virsh, NET_LISTS))
  const xmls = await virshBatch(
    virsh,
    lists.uuids.map((u) => ['net-dumpxml', '--network', u]),
  )
  return networksFrom(lists, xmls)
}

// --- Domains -----------------------------------------------------------------------------------------------

/** What the first batch says about one domain, and the outputs of its own commands in the second. */
interface DomainRead {
  uuid: string
  name: string
  stats: DomainStats | undefined
  autostart: boolean
  persistent: boolean
  xml: string | null
  arp: string | null
}

interface Context {
  networks: NetworkInfo[]
  /** By network name. */
  leases: Map<string, Lease[]>
}

export function unreadableDomain(
  read: Pick<DomainRead, 'uuid' | 'name' | 'stats' | 'autostart' | 'persistent'>,
  problem: string,
): DomainInfo {
  return {
    name: read.name,
    uuid: read.uuid,
    state: read.stats?.state ?? 'nostate',
    reason: read.stats?.reason ?? 'unknown',
    type: '',
    vcpus: 0,
    memoryMiB: 0,
    autostart: read.autostart,
    persistent: read.persistent,
    disks: [],
    nics: [],
    serialConsole: false,
    problem: { message: problem },
  }
}

/** Stacklab can show a domain only if it can also name it in a call; else it is shown with the reason. */
function contractProblem(info: DomainInfo): string | null {
  const named = RefName.safeParse(info.name)
  if (!named.success) return `its name cannot be used in Stacklab: ${named.error.issues[0]?.message}`
  return null
}

/**
 * Parse, resolve and assemble: the XML of each domain on its own; pool volumes' paths and the guest agent's
 * addresses in one more virsh process when any domain needs them; each result checked against the contract.
 */
async function finishDomains(virsh: Virsh, reads: DomainRead[], context: Context): Promise<DomainInfo[]> {
  const facts = new Map<string, DomainXmlFacts | string>()
  for (const r of reads) {
    let xml = r.xml
    if (!xml) {
      // Failed inside the batch: once more alone, for its own error (or to learn it is gone).
      try {
        xml = await virsh(['dumpxml', '--domain', r.uuid])
      } catch (error) {
        if (error instanceof LibvirtError && error.kind === 'not-found') continue
        facts.set(r.uuid, `virsh dumpxml failed: ${message(error)}`)
        continue
      }
    }
    try {
      const f = parseDomainXml(xml)
      // A UUID that was gone by now may have been looked up as a name: only the domain asked for counts.
      if (f.uuid && f.uuid.toLowerCase() !== r.uuid.toLowerCase()) continue
      facts.set(r.uuid, f)
    } catch (error) {
      facts.set(r.uuid, `its XML cannot be read: ${message(error)}`)
    }
  }
  const extra = new Commands()
  const volumeAt = new Map<string, number>()
  const agentAt = new Map<string, number>()
  for (const r of reads) {
    const f = facts.get(r.uuid)
    if (!f || typeof f === 'string') continue
    for (const d of f.disks)
      if (d.type === 'volume' && d.pool && d.volume && !volumeAt.has(volumeKey(d)))
        volumeAt.set(volumeKey(d), extra.add(['vol-path', '--pool', d.pool, '--vol', d.volume]))
    if (f.agentConnected && LIVE.has(r.stats?.state ?? 'nostate'))
      agentAt.set(r.uuid, extra.add(['domifaddr', '--domain', r.uuid, '--source', 'agent']))
  }
  const more = extra.list.length ? await virshBatch(virsh, extra.list) : []
  const volumePaths = new Map<string, string>()
  for (const [key, i] of volumeAt) {
    // Exactly the path virsh prints (only its line end is virsh's): a path may end with a space.
    const path = more[i]?.replace(/\n$/, '')
    if (path) volumePaths.set(key, path)
  }
  const domains: DomainInfo[] = []
  for (const r of reads) {
    const f = facts.get(r.uuid)
    if (f === undefined) continue
    if (typeof f === 'string') {
      domains.push(unreadableDomain(r, f))
      continue
    }
    try {
      const observed = [
        ...parseDomifaddr(r.arp ?? ''),
        ...parseDomifaddr(more[agentAt.get(r.uuid) ?? -1] ?? ''),
      ]
      const info = DomainInfo.parse(
        assembleDomain(
          f,
          r.stats,
          { autostart: r.autostart, persistent: r.persistent },
          { ...context, observed, volumePaths },
        ),
      )
      const problem = contractProblem(info)
      domains.push(problem ? unreadableDomain(r, problem) : info)
    } catch (error) {
      domains.push(unreadableDomain(r, `its details do not fit Stacklab's contract: ${message(error)}`))
    }
  }
  return domains
}

export function volumeKey(d: Pick<DiskInfo, 'pool' | 'volume'>): string {
  return `${d.pool}\u0000${d.volume}`
}

function leasesOf(networks: NetworkInfo[], uuids: string[], out: (string | null)[]): Map<string, Lease[]> {
  const leases = new Map<string, Lease[]>()
  uuids.forEach((uuid, i) => {
    const net = networks.find((n) => n.uuid === uuid)
    if (net) leases.set(net.name, parseLeases(out[i] ?? ''))
  })
  return leases
}

export async function readAll(virsh: Virsh): Promise<Picture> {
  const first = await virshBatch(virsh, [
    DOMAIN_NAMES,
    ...DOMAIN_FLAGS,
    ['domstats', '--raw', '--state'],
    ...NET_LISTS,
  ])
  const rows = parseUuidNames(first[0])
  const autostart = new Set(uuidsOf(first[1]))
  const persistent = new Set(uuidsOf(first[2]))
  const states = parseDomstats(first[3] ?? '')
  const nets = networkLists(first.slice(4))
  const cmds = new Commands()
  const xmlAt = rows.map((r) => cmds.add(['dumpxml', '--domain', r.uuid]))
  const netAt = nets.uuids.map((u) => cmds.add(['net-dumpxml', '--network', u]))
  const activeNets = nets.uuids.filter((u) => nets.active.has(u))
  const leaseAt = activeNets.map((u) => cmds.add(['net-dhcp-leases', '--network', u]))
  const arpAt = rows.map((r) =>
    LIVE.has(states.get(r.name)?.state ?? 'nostate')
      ? cmds.add(['domifaddr', '--domain', r.uuid, '--source', 'arp'])
      : -1,
  )
  const out = await virshBatch(virsh, cmds.list)
  const networks = networksFrom(
    nets,
    netAt.map((i) => out[i] ?? null),
  )
  const leases = leasesOf(
    networks,
    activeNets,
    leaseAt.map((i) => out[i] ?? null),
  )
  const domains = await finishDomains(
    virsh,
    rows.map((r, i) => ({
      uuid: r.uuid,
      name: r.name,
      stats: states.get(r.name),
      autostart: autostart.has(r.uuid),
      persistent: persistent.has(r.uuid),
      xml: out[xmlAt[i]!] ?? null,
      arp: out[arpAt[i]!] ?? null,
    })),
    { networks, leases },
  )
  return { domains, networks }
}

/**
 * One domain, read fresh, by UUID (or by name: one more virsh process to find its UUID). With the networks
 * already known (the live picture), one virsh process; else two. Throws not-found when it does not exist.
 */
export async function readDomain(
  virsh: Virsh,
  ref: { uuid: string } | { name: string },
  known?: { networks: NetworkInfo[] },
): Promise<DomainInfo> {
  let uuid = 'uuid' in ref ? ref.uuid : null
  let networks = known?.networks
  let netLists: NetworkLists | null = null
  if (!uuid || !networks) {
    const first = await virshBatch(virsh, [DOMAIN_NAMES, ...(networks ? [] : NET_LISTS)])
    if (!uuid) {
      const wanted = (ref as { name: string }).name
      uuid = parseUuidNames(first[0]).find((r) => r.name === wanted)?.uuid ?? null
      if (!uuid)
        throw new LibvirtError('not-found', `Domain not found: ${wanted}`, '', ['virsh', ...DOMAIN_NAMES])
    }
    if (!networks) netLists = networkLists(first.slice(1))
  }
  const cmds = new Commands()
  const names = cmds.add(DOMAIN_NAMES)
  const flags = DOMAIN_FLAGS.map((c) => cmds.add(c))
  const stats = cmds.add(['domstats', '--raw', '--state', uuid])
  const xml = cmds.add(['dumpxml', '--domain', uuid])
  const arp = cmds.add(['domifaddr', '--domain', uuid, '--source', 'arp'])
  const netAt = (netLists?.uuids ?? []).map((u) => cmds.add(['net-dumpxml', '--network', u]))
  const activeNets = netLists
    ? netLists.uuids.filter((u) => netLists.active.has(u))
    : networks!.filter((n) => n.active && !n.problem).map((n) => n.uuid)
  const leaseAt = activeNets.map((u) => cmds.add(['net-dhcp-leases', '--network', u]))
  const out = await virshBatch(virsh, cmds.list)
  const row = parseUuidNames(out[names]).find((r) => r.uuid.toLowerCase() === uuid.toLowerCase())
  if (!row) throw new LibvirtError('not-found', `Domain not found: ${uuid}`, '', ['virsh', ...DOMAIN_NAMES])
  if (netLists)
    networks = networksFrom(
      netLists,
      netAt.map((i) => out[i] ?? null),
    )
  const statsOf = [...parseDomstats(out[stats] ?? '').values()][0]
  const [domain] = await finishDomains(
    virsh,
    [
      {
        uuid: row.uuid,
        name: row.name,
        stats: statsOf,
        autostart: uuidsOf(out[flags[0]!]).includes(row.uuid),
        persistent: uuidsOf(out[flags[1]!]).includes(row.uuid),
        xml: out[xml] ?? null,
        arp: out[arp] ?? null,
      },
    ],
    {
      networks: networks!,
      leases: leasesOf(
        networks!,
        activeNets,
        leaseAt.map((i) => out[i] ?? null),
      ),
    },
  )
  if (!domain) throw new LibvirtError('not-found', `Domain not found: ${row.name}`, '', [])
  return domain
}
