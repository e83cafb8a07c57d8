// Finding domains and networks by name, whatever the name. virsh looks a domain argument up as an ID first,
// then a UUID, then a name: a domain named `1` would be the running domain with ID 1, and a name that is
// another object's UUID would be that object. So the engine reads names and UUIDs together, picks the UUID
// of the name it wants, and hands virsh only UUIDs (`--domain UUID`).
import { LibvirtError } from './errors'
import type { Virsh } from './virsh'
import { virshBatch } from './batch'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** virsh output lines, exactly (names may start or end with spaces); no empty ones. */
export function linesOf(out: string | null | undefined): string[] {
  return (out ?? '').split('\n').filter((l) => l !== '')
}

/** `list --uuid` output: one UUID a line. */
export function uuidsOf(out: string | null | undefined): string[] {
  return linesOf(out)
    .map((l) => l.trim())
    .filter((l) => UUID.test(l))
}

/** `list --all --uuid --name` output: `UUID NAME` a line, the name exactly as libvirt has it. */
export function parseUuidNames(out: string | null | undefined): { uuid: string; name: string }[] {
  const rows: { uuid: string; name: string }[] = []
  for (const line of linesOf(out)) {
    const uuid = line.slice(0, 36)
    if (!UUID.test(uuid) || line[36] !== ' ') continue
    rows.push({ uuid, name: line.slice(37) })
  }
  return rows
}

export const DOMAIN_NAMES: readonly string[] = ['list', '--all', '--uuid', '--name']

/** The UUID of the domain with exactly this name (one virsh process), or a not-found LibvirtError. */
export async function domainUuid(virsh: Virsh, name: string): Promise<string> {
  const [out] = await virshBatch(virsh, [DOMAIN_NAMES])
  const row = parseUuidNames(out).find((r) => r.name === name)
  if (!row) throw new LibvirtError('not-found', `Domain not found: ${name}`, '', ['virsh', ...DOMAIN_NAMES])
  return row.uuid
}

/**
 * virsh falls back to a name when no object has the UUID asked for: an object named like that UUID would
 * answer. Only the XML whose own <uuid> it is counts.
 */
export function sameUuid(xml: string, uuid: string, kind: string): string {
  const own = /<uuid>\s*([0-9a-fA-F-]{36})\s*<\/uuid>/.exec(xml)?.[1]
  if (own?.toLowerCase() !== uuid.toLowerCase())
    throw new LibvirtError('not-found', `${kind} not found: ${uuid}`, '', [])
  return xml
}
