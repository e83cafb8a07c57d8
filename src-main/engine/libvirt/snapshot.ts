// Snapshots of one domain: a tree with the current one marked, create, revert (to the state taken, or
// running, or paused), delete, and what kinds this connection and domain support. Each snapshot is read on
// its own: one whose XML cannot be read is shown by name with the error, and the rest of the tree still shows.
import { SnapshotNode, type SnapshotSupport } from '../../../src-shared/libvirt'
import { virshBatch, type VirshCommand } from './batch'
import { parseDomainXml } from './domain-xml'
import { LibvirtError } from './errors'
import { parseSnapshotXml, type SnapshotFacts } from './snapshot-xml'
import { domainUuid, linesOf, parseUuidNames, DOMAIN_NAMES } from './lookup'
import { ValidationError } from './network'
import type { Virsh } from './virsh'
import { uriInfo } from './uri'
import { libvirtVersion } from './connection'

export async function snapshotList(virsh: Virsh, domain: string): Promise<SnapshotNode[]> {
  return (await snapshotListMany(virsh, [domain])).get(domain) ?? []
}

type Read = { facts: SnapshotFacts } | { name: string; problem: string }

const dumpxml = (uuid: string, name: string): VirshCommand => [
  'snapshot-dumpxml',
  '--domain',
  uuid,
  '--snapshotname',
  name,
]

/**
 * The snapshots of one domain from `snapshot-list --name` (one name a line) and their XML. libvirt allows a
 * line break in a snapshot name; such a name comes out as several lines, none of which is a snapshot, so runs
 * of lines that fail are tried once more joined by line breaks. Whatever still fails is shown as unreadable.
 */
async function readSnapshots(virsh: Virsh, uuid: string, lines: string[], xmls: (string | null)[]) {
  const reads: Read[] = []
  const retry: { from: number; to: number }[] = []
  lines.forEach((line, i) => {
    const xml = xmls[i]
    if (xml) {
      try {
        reads.push({ facts: parseSnapshotXml(xml) })
      } catch (error) {
        reads.push({ name: line, problem: `its XML cannot be read: ${(error as Error).message}` })
      }
      return
    }
    const run = retry.at(-1)
    if (run && run.to === i - 1) run.to = i
    else retry.push({ from: i, to: i })
  })
  const joined = retry.filter((r) => r.to > r.from).map((r) => lines.slice(r.from, r.to + 1).join('\n'))
  const again = joined.length
    ? await virshBatch(
        virsh,
        joined.map((n) => dumpxml(uuid, n)),
      )
    : []
  for (const run of retry) {
    const at = joined.indexOf(lines.slice(run.from, run.to + 1).join('\n'))
    const xml = run.to > run.from && at >= 0 ? again[at] : null
    if (xml) {
      try {
        reads.push({ facts: parseSnapshotXml(xml) })
        continue
      } catch (error) {
        reads.push({ name: joined[at]!, problem: `its XML cannot be read: ${(error as Error).message}` })
        continue
      }
    }
    for (let i = run.from; i <= run.to; i++)
      reads.push({ name: lines[i]!, problem: 'virsh snapshot-dumpxml failed for this name' })
  }
  return reads
}

/** Snapshot trees of several domains (by exact name) in three virsh processes, whatever their number. */
export async function snapshotListMany(
  virsh: Virsh,
  domains: string[],
): Promise<Map<string, SnapshotNode[]>> {
  const [names] = await virshBatch(virsh, [DOMAIN_NAMES])
  const rows = parseUuidNames(names)
  const uuids = domains.map((d) => rows.find((r) => r.name === d)?.uuid ?? null)
  const present = domains.flatMap((d, i) => (uuids[i] ? [{ domain: d, uuid: uuids[i] }] : []))
  const heads = await virshBatch(
    virsh,
    present.flatMap((p) => [
      ['snapshot-list', '--domain', p.uuid, '--name'],
      ['snapshot-current', '--domain', p.uuid, '--name'],
    ]),
  )
  const lines = present.map((_, i) => linesOf(heads[2 * i] ?? null))
  // The whole output is the name (it may start or end with spaces); only the line end is virsh's.
  const current = present.map((_, i) => heads[2 * i + 1]?.replace(/\n$/, '') || null)
  const pairs = present.flatMap((p, i) => lines[i]!.map((n) => [p.uuid, n] as const))
  const xmls = await virshBatch(
    virsh,
    pairs.map(([u, n]) => dumpxml(u, n)),
  )
  const result = new Map<string, SnapshotNode[]>()
  let offset = 0
  for (const [i, p] of present.entries()) {
    const mine = lines[i]!
    const reads = await readSnapshots(virsh, p.uuid, mine, xmls.slice(offset, offset + mine.length))
    offset += mine.length
    const list = reads.map((r) => ('facts' in r ? r.facts : null)).filter((f): f is SnapshotFacts => !!f)
    const nodes: SnapshotNode[] = reads.map((r) =>
      'facts' in r
        ? {
            ...r.facts,
            current: r.facts.name === current[i],
            children: list.filter((c) => c.parent === r.facts.name).map((c) => c.name),
            problem: null,
          }
        : problemNode(r.name, r.name === current[i], r.problem),
    )
    // Each node checked against the contract on its own: one that fails is shown by name with the reason.
    const checked = nodes.map((n) => {
      const ok = SnapshotNode.safeParse(n)
      return ok.success
        ? ok.data
        : problemNode(n.name, n.current, `its details do not fit: ${ok.error.message}`)
    })
    result.set(p.domain, treeOrder(checked))
  }
  return result
}

function problemNode(name: string, current: boolean, problem: string): SnapshotNode {
  return {
    name,
    description: '',
    parent: null,
    current,
    createdAt: '',
    state: 'unknown',
    memory: false,
    kind: 'internal',
    children: [],
    problem: { message: problem },
  }
}

/** Parents before children, siblings oldest first: the order a tree view draws them in. */
function treeOrder(nodes: SnapshotNode[]): SnapshotNode[] {
  const byAge = [...nodes].sort((a, b) => a.createdAt.localeCompare(b.createdAt))
  const names = new Set(nodes.map((n) => n.name))
  const out: SnapshotNode[] = []
  const seen = new Set<SnapshotNode>()
  const visit = (n: SnapshotNode) => {
    if (seen.has(n)) return
    seen.add(n)
    out.push(n)
    for (const c of byAge.filter((x) => x.parent === n.name)) visit(c)
  }
  for (const root of byAge.filter((n) => !n.parent || !names.has(n.parent))) visit(root)
  // A cycle of parents (possible with --redefine) has no root: still every snapshot shows, once.
  for (const n of byAge) visit(n)
  return out
}

/** The snapshot's XML as libvirt gives it, read-only, for the raw view. */
export async function snapshotXmlText(virsh: Virsh, domain: string, name: string): Promise<string> {
  return virsh(dumpxml(await domainUuid(virsh, domain), name))
}

/** Which snapshot kinds work for this domain here, and why not where they do not. */
export async function snapshotSupport(virsh: Virsh, domain: string): Promise<SnapshotSupport> {
  const xml = await virsh(['dumpxml', '--domain', await domainUuid(virsh, domain)])
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
  const args = [
    'snapshot-create-as',
    '--domain',
    await domainUuid(virsh, domain),
    '--name',
    options.name,
    '--atomic',
  ]
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
  const args = ['snapshot-revert', '--domain', await domainUuid(virsh, domain), '--snapshotname', name]
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
  const uuid = await domainUuid(virsh, domain)
  await virsh(
    ['snapshot-delete', '--domain', uuid, '--snapshotname', name, ...(withChildren ? ['--children'] : [])],
    {
      timeoutMs: 10 * 60_000,
    },
  )
}
