// The openstack client's lists of compute services, network agents and volume services, read from its
// `-f json` output or from the table it prints by default (what a learner pastes): one ApiService per row.
import type { ApiService, Instance } from '../../../src-shared/install'
import { outputLines } from '../lines'

type Row = Record<string, unknown>

/** A cell as text (JSON gives strings, numbers, booleans and null; a table gives strings). */
function cell(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : ''
}

/**
 * The rows of a table the client prints (cliff's prettytable): `+---+` borders, then `| A | B |` lines,
 * the first of them the header. Rows with another number of cells than the header are not rows of this
 * table (a wrapped line, an unrelated line) and are left out. Null when the text holds no table.
 */
export function parseTable(text: string): Row[] | null {
  let header: string[] | null = null
  const rows: Row[] = []
  for (const raw of outputLines(text)) {
    const line = raw.trim()
    if (line.length < 2 || !line.startsWith('|') || !line.endsWith('|')) continue
    const cells = line
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim())
    if (!header) {
      header = cells
      continue
    }
    if (cells.length !== header.length || cells.every((c, i) => c === header![i])) continue
    rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i]])))
  }
  return header ? rows : null
}

/** The host a listed service runs on: Cinder's volume services add their backend after an @ (host@lvm). */
export const serviceNode = (host: string) => host.split('@')[0]!

/** A network agent's "alive" and "state": JSON has booleans, the table `:-)`/`XXX` and `UP`/`DOWN`. */
const YES = new Set([true, ':-)', 'UP', 'True', 'true'])

/**
 * The openstack client's lists of compute services, network agents and volume services, as `-f json` or as
 * a table. Text that is neither (an error message) is an error, as before.
 */
export function parseApiServices(kind: ApiService['kind'], text: string): ApiService[] {
  const trimmed = text.trim()
  let rows: unknown = null
  // A paste can start with "[" and not be JSON: the shell prompt "[root@controller ~]# ..." before a table.
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      rows = JSON.parse(trimmed)
    } catch (error) {
      rows = parseTable(text)
      if (!rows) throw error
    }
  } else rows = parseTable(text)
  if (!Array.isArray(rows)) throw new Error(`the openstack ${kind} list is neither JSON nor a table`)
  return (rows as Row[]).map((r) => {
    if (kind === 'network') {
      const alive = YES.has(r['Alive'] as string | boolean)
      const up = YES.has(r['State'] as string | boolean)
      return {
        kind,
        binary: cell(r['Binary']) || cell(r['Agent Type']),
        host: cell(r['Host']),
        ok: alive && up,
        state: `${alive ? 'alive' : 'dead'}, ${up ? 'up' : 'down'}`,
      }
    }
    const state = cell(r['State'])
    const status = cell(r['Status'])
    return {
      kind,
      binary: cell(r['Binary']),
      host: cell(r['Host']),
      ok: state === 'up' && status === 'enabled',
      state: `${state}, ${status}`,
    }
  })
}

/**
 * `openstack server list --all-projects --long -c ID -c Name -c Status -c Host -f json` (the column titles of
 * python-openstackclient's ListServer: "ID", "Name", "Status", and "Host" from OS-EXT-SRV-ATTR:host with
 * --long), or its table. The node is filled in by the caller.
 */
export function parseServers(text: string): Omit<Instance, 'node'>[] {
  const trimmed = text.trim()
  const rows: unknown = trimmed.startsWith('[') ? JSON.parse(trimmed) : parseTable(text)
  if (!Array.isArray(rows)) throw new Error('the openstack server list is neither JSON nor a table')
  return (rows as Row[])
    .map((r) => ({
      id: cell(r['ID']),
      name: cell(r['Name']),
      status: cell(r['Status']),
      host: cell(r['Host']),
    }))
    .filter((r) => r.id)
}
