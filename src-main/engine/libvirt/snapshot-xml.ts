// Snapshot XML from `snapshot-dumpxml`: name, parent, state, memory and disk kinds, creation time.
import { attr, child, many, parseXml, text } from './xml'

export interface SnapshotFacts {
  name: string
  description: string
  parent: string | null
  state: string
  createdAt: string
  memory: boolean
  kind: 'internal' | 'external'
}

export function parseSnapshotXml(xml: string): SnapshotFacts {
  const snap = child(parseXml(xml), 'domainsnapshot')
  const memory = attr(child(snap, 'memory'), 'snapshot') ?? 'no'
  const diskKinds = many(child(child(snap, 'disks'), 'disk')).map((d) => attr(d, 'snapshot') ?? 'internal')
  const created = Number(text(child(snap, 'creationTime')) ?? 0)
  return {
    name: text(child(snap, 'name')) ?? '',
    description: text(child(snap, 'description')) ?? '',
    parent: text(child(child(snap, 'parent'), 'name')) ?? null,
    state: text(child(snap, 'state')) ?? 'unknown',
    createdAt: new Date(created * 1000).toISOString(),
    memory: memory === 'internal' || memory === 'external',
    kind: memory === 'external' || diskKinds.includes('external') ? 'external' : 'internal',
  }
}
