// Domains (VMs): list with details, start, shut down (graceful with a timeout and a chosen fallback), force
// off, reboot, delete (with or without disks), autostart, define. State comes from XML and `domstats`.
import { rm, stat } from 'node:fs/promises'
import type { DomainInfo, DomainState, Lease, NetworkInfo } from '../../../src-shared/libvirt'
import { ApiError } from '../../../src-shared/errors'
import { virshBatch } from './batch'
import { parseDomainXml, type DomainXmlFacts } from './domain-xml'
import { LibvirtError } from './errors'
import { withTempFile } from './tempfile'
import type { Virsh } from './virsh'
import { uriInfo } from '../preflight/uri'

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

export function namesOf(out: string | null | undefined): string[] {
  return (out ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
}

export function assembleDomain(
  facts: DomainXmlFacts,
  stats: DomainStats | undefined,
  flags: { autostart: boolean; persistent: boolean },
  networks: NetworkInfo[],
  leases: Map<string, Lease[]>,
): DomainInfo {
  return {
    name: facts.name,
    uuid: facts.uuid,
    state: stats?.state ?? 'nostate',
    reason: stats?.reason ?? 'unknown',
    type: facts.type,
    vcpus: facts.vcpus,
    memoryMiB: facts.memoryMiB,
    ...flags,
    disks: facts.disks,
    nics: facts.nics.map((n) => {
      const net = networks.find((x) => x.name === n.network)
      const addresses = new Set<string>()
      for (const h of net?.staticHosts ?? []) if (h.mac === n.mac && h.ip) addresses.add(h.ip)
      for (const l of leases.get(n.network ?? '') ?? []) if (l.mac === n.mac) addresses.add(l.ip)
      return { ...n, addresses: [...addresses] }
    }),
    serialConsole: facts.serialConsole,
  }
}

/** One domain, read fresh: 1 virsh process. */
export async function domainGet(
  virsh: Virsh,
  name: string,
  networks: NetworkInfo[] = [],
  leases = new Map<string, Lease[]>(),
): Promise<DomainInfo> {
  const [xml, stats, autostart, persistent] = await virshBatch(virsh, [
    ['dumpxml', name],
    ['domstats', '--raw', '--state', name],
    ['list', '--all', '--name', '--autostart'],
    ['list', '--all', '--name', '--persistent'],
  ])
  if (!xml) throw new LibvirtError('not-found', `Domain not found: ${name}`, '', ['virsh', 'dumpxml', name])
  return assembleDomain(
    parseDomainXml(xml),
    parseDomstats(stats ?? '').get(name),
    { autostart: namesOf(autostart).includes(name), persistent: namesOf(persistent).includes(name) },
    networks,
    leases,
  )
}

export async function domainState(virsh: Virsh, name: string): Promise<DomainState> {
  const out = await virsh(['domstats', '--raw', '--state', name])
  return parseDomstats(out).get(name)?.state ?? 'nostate'
}

export async function domainDefine(virsh: Virsh, xml: string): Promise<void> {
  await withTempFile('domain.xml', xml, (file) => virsh(['define', file]))
}

export async function domainStart(virsh: Virsh, name: string): Promise<void> {
  await virsh(['start', name])
}

export async function domainForceOff(virsh: Virsh, name: string): Promise<void> {
  await virsh(['destroy', name])
}

export async function domainReboot(virsh: Virsh, name: string): Promise<void> {
  await virsh(['reboot', name])
}

export async function domainSuspend(virsh: Virsh, name: string): Promise<void> {
  await virsh(['suspend', name])
}

export async function domainResume(virsh: Virsh, name: string): Promise<void> {
  await virsh(['resume', name])
}

export async function domainSetAutostart(virsh: Virsh, name: string, enabled: boolean): Promise<void> {
  await virsh(enabled ? ['autostart', name] : ['autostart', name, '--disable'])
}

export type ShutdownOutcome = 'shut-off' | 'forced-off' | 'still-running'

/**
 * Ask the guest to shut down (ACPI), wait up to `timeoutMs` for it to be off, then apply the fallback the
 * user chose: force it off, or leave it running and say so.
 */
export async function domainShutdown(
  virsh: Virsh,
  name: string,
  options: { timeoutMs: number; fallback: 'force' | 'leave'; pollMs?: number; signal?: AbortSignal },
): Promise<ShutdownOutcome> {
  if ((await domainState(virsh, name)) === 'shutoff') return 'shut-off'
  await virsh(['shutdown', name])
  const deadline = Date.now() + options.timeoutMs
  while (Date.now() < deadline) {
    if (options.signal?.aborted) throw new LibvirtError('cancelled', 'Shutdown cancelled', '', [])
    if ((await domainState(virsh, name)) === 'shutoff') return 'shut-off'
    await new Promise((r) => setTimeout(r, options.pollMs ?? 500))
  }
  if (options.fallback === 'leave') return 'still-running'
  await virsh(['destroy', name]).catch((e: unknown) => {
    if (!(e instanceof LibvirtError && e.kind === 'invalid-state')) throw e
  })
  return 'forced-off'
}

/**
 * Delete a domain: stop it, drop its snapshot metadata, undefine it, and with `withDisks` remove its disk
 * files (through libvirt where they are pool volumes, directly where they are plain local files).
 */
export async function domainDelete(
  virsh: Virsh,
  name: string,
  withDisks: boolean,
  /** Why a disk file must not go with the VM (lab/disks.ts), or null; asked before anything is changed. */
  diskProblem: (path: string) => string | null = () => null,
): Promise<{ removedDisks: string[] }> {
  const info = await domainGet(virsh, name)
  const refused = withDisks
    ? info.disks.flatMap((d) => (d.device === 'disk' && d.source ? (diskProblem(d.source) ?? []) : []))
    : []
  if (refused.length)
    throw new ApiError({ code: 'bad-request', message: `Nothing was changed: ${refused.join('; ')}` })
  if (info.state !== 'shutoff') {
    await virsh(['destroy', name]).catch((e: unknown) => {
      if (!(e instanceof LibvirtError && e.kind === 'invalid-state')) throw e
    })
  }
  const args = ['undefine', name, '--snapshots-metadata', '--managed-save', '--nvram']
  if (withDisks) args.push('--remove-all-storage')
  await virsh(args).catch(async (e: unknown) => {
    // Drivers without NVRAM or managed save support refuse those flags; retry with the essentials.
    if (
      e instanceof LibvirtError &&
      (e.kind === 'unsupported' || e.kind === 'other' || e.kind === 'invalid-state')
    ) {
      await virsh(['undefine', name, '--snapshots-metadata', ...(withDisks ? ['--remove-all-storage'] : [])])
    } else throw e
  })
  const removed: string[] = []
  if (withDisks && !uriInfo(virsh.uri).remote && uriInfo(virsh.uri).driver !== 'test') {
    for (const disk of info.disks) {
      if (disk.device !== 'disk' || !disk.source) continue
      try {
        if ((await stat(disk.source)).isFile()) await rm(disk.source)
      } catch {
        /* already removed by libvirt */
      }
      removed.push(disk.source)
    }
  } else if (withDisks) {
    removed.push(...info.disks.filter((d) => d.device === 'disk' && d.source).map((d) => d.source!))
  }
  return { removedDisks: removed }
}
