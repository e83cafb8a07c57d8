// Snapshots of one domain: a tree with the current one marked, create, revert (to the state taken, or
// running, or paused), delete, and what kinds this connection and domain support.
import type { SnapshotNode, SnapshotSupport } from '../../../src-shared/libvirt'
import { virshBatch } from './batch'
import { parseDomainXml } from './domain-xml'
import { LibvirtError } from './errors'
import { parseSnapshotXml, type SnapshotFacts } from './snapshot-xml'
import { namesOf } from './domain'
import { ValidationError } from './network'
import type { Virsh } from './virsh'
import { uriInfo } from '../preflight/uri'

export async function snapshotList(virsh: Virsh, domain: string): Promise<SnapshotNode[]> {
  return (await snapshotListMany(virsh, [domain])).get(domain) ?? []
}

/** Snapshot trees of several domains in two virsh processes, whatever their number. */
export async function snapshotListMany(
  virsh: Virsh,
  domains: string[],
): Promise<Map<string, SnapshotNode[]>> {
  const heads = await virshBatch(
    virsh,
    domains.flatMap((d) => [
      ['snapshot-list', d, '--name'],
      ['snapshot-current', d, '--name'],
    ]),
  )
  const names = domains.map((_, i) => namesOf(heads[2 * i] ?? null))
  const current = domains.map((_, i) => (heads[2 * i + 1] ?? '').trim() || null)
  const pairs = domains.flatMap((d, i) => names[i]!.map((n) => [d, n] as const))
  const xmls = await virshBatch(
    virsh,
    pairs.map(([d, n]) => ['snapshot-dumpxml', d, n]),
  )
  const facts = new Map<string, SnapshotFacts[]>()
  pairs.forEach(([d], i) => {
    const xml = xmls[i]
    if (!xml) return
    facts.set(d, [...(facts.get(d) ?? []), parseSnapshotXml(xml)])
  })
  const result = new Map<string, SnapshotNode[]>()
  domains.forEach((d, i) => {
    const list = facts.get(d) ?? []
    const nodes = list.map((f) => ({
      ...f,
      current: f.name === current[i],
      children: list.filter((c) => c.parent === f.name).map((c) => c.name),
    }))
    result.set(d, treeOrder(nodes))
  })
  return result
}

/** Parents before children, siblings oldest first: the order a tree view draws them in. */
function treeOrder(nodes: SnapshotNode[]): SnapshotNode[] {
  const byAge = [...nodes].sort((a, b) => a.createdAt.localeCompare(b.createdAt))
  const names = new Set(nodes.map((n) => n.name))
  const out: SnapshotNode[] = []
  const visit = (n: SnapshotNode) => {
    out.push(n)
    for (const c of byAge.filter((x) => x.parent === n.name)) visit(c)
  }
  for (const root of byAge.filter((n) => !n.parent || !names.has(n.parent))) visit(root)
  return out
}

let versionCache = new Map<string, number>()

/** libvirt's version as a number (9.7.0 → 9007000), from `virsh version`. */
export async function libvirtVersion(virsh: Virsh): Promise<number> {
  const cached = versionCache.get(virsh.uri)
  if (cached !== undefined) return cached
  const out = await virsh(['version'])
  const m = /Using library: libvirt (\d+)\.(\d+)\.(\d+)/.exec(out)
  const v = m ? Number(m[1]) * 1_000_000 + Number(m[2]) * 1000 + Number(m[3]) : 0
  versionCache.set(virsh.uri, v)
  return v
}

export function forgetVersions(): void {
  versionCache = new Map()
}

/** Which snapshot kinds work for this domain here, and why not where they do not. */
export async function snapshotSupport(virsh: Virsh, domain: string): Promise<SnapshotSupport> {
  const xml = await virsh(['dumpxml', domain])
  const facts = parseDomainXml(xml)
  const driver = uriInfo(virsh.uri).driver
  const version = await libvirtVersion(virsh)
  const yes = (reason: string) => ({ supported: true, reason })
  const no = (reason: string) => ({ supported: false, reason })
  if (driver === 'test') {
    return {
      internal: yes('the test driver keeps snapshots in memory'),
      external: no('the test driver has no disk files to snapshot externally'),
      memory: yes('the test driver records the running state'),
      revertExternal: no('the test driver has no external snapshots'),
    }
  }
  const disks = facts.disks.filter((d) => d.device === 'disk')
  const notQcow2 = disks.filter((d) => d.format !== 'qcow2')
  const internal = notQcow2.length
    ? no(
        `internal snapshots need qcow2 disks; ${notQcow2.map((d) => `${d.target} is ${d.format ?? 'unknown'}`).join(', ')}`,
      )
    : yes('all disks are qcow2')
  return {
    internal,
    external: yes('external snapshots write new overlay files next to the disks'),
    memory: internal.supported
      ? yes('a running domain is saved with its memory in the qcow2 disk')
      : no('memory state needs an internal snapshot (qcow2 disks)'),
    revertExternal:
      version >= 9_007_000
        ? yes('libvirt 9.7 or newer reverts external snapshots')
        : no(
            `libvirt ${Math.floor(version / 1e6)}.${Math.floor(version / 1000) % 1000} cannot revert external snapshots (needs 9.7): use internal snapshots`,
          ),
  }
}

export async function snapshotCreate(
  virsh: Virsh,
  domain: string,
  options: { name: string; description: string; kind: 'internal' | 'external' },
): Promise<SnapshotNode> {
  const existing = await snapshotList(virsh, domain)
  if (existing.some((s) => s.name === options.name)) {
    throw new ValidationError([
      { path: 'name', message: `${domain} already has a snapshot named ${options.name}` },
    ])
  }
  const support = await snapshotSupport(virsh, domain)
  const wanted = options.kind === 'internal' ? support.internal : support.external
  if (!wanted.supported)
    throw new ValidationError([
      { path: 'kind', message: `${options.kind} snapshots are not possible: ${wanted.reason}` },
    ])
  const args = ['snapshot-create-as', domain, '--name', options.name, '--atomic']
  if (options.description) args.push('--description', options.description)
  if (options.kind === 'external') args.push('--disk-only')
  await virsh(args, { timeoutMs: 10 * 60_000 })
  const created = (await snapshotList(virsh, domain)).find((s) => s.name === options.name)
  if (!created) throw new LibvirtError('other', `snapshot ${options.name} was not recorded`, '', args)
  return created
}

export async function snapshotRevert(
  virsh: Virsh,
  domain: string,
  name: string,
  state: 'as-taken' | 'running' | 'paused',
): Promise<void> {
  const args = ['snapshot-revert', domain, '--snapshotname', name]
  if (state === 'running') args.push('--running')
  if (state === 'paused') args.push('--paused')
  await virsh(args, { timeoutMs: 10 * 60_000 })
}

export async function snapshotDelete(
  virsh: Virsh,
  domain: string,
  name: string,
  withChildren = false,
): Promise<void> {
  await virsh(['snapshot-delete', domain, '--snapshotname', name, ...(withChildren ? ['--children'] : [])], {
    timeoutMs: 10 * 60_000,
  })
}
