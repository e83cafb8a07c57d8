// Snapshot XML from `snapshot-dumpxml`: name, parent, state, memory and disk kinds, creation time.
import { attr, child, many, parseXml, text } from './xml'

export interface SnapshotFacts {
  name: string
  description: string
  parent: string | null
  state: string
  /** ISO time, or '' when the snapshot's creation time is not a time JavaScript can hold. */
  createdAt: string
  memory: boolean
  kind: 'internal' | 'external'
}

export function parseSnapshotXml(xml: string): SnapshotFacts {
  const snap = child(parseXml(xml), 'domainsnapshot')
  if (!snap || typeof snap !== 'object') throw new Error('not a snapshot document: no <domainsnapshot>')
  const name = text(child(snap, 'name'))
  if (name === undefined || name === '') throw new Error('the snapshot XML has no <name>')
  const memory = attr(child(snap, 'memory'), 'snapshot') ?? 'no'
  const diskKinds = many(child(child(snap, 'disks'), 'disk')).map((d) => attr(d, 'snapshot') ?? 'internal')
  // `snapshot-create --redefine` takes any creationTime; one past year 275760 is no JavaScript date.
  const created = new Date(Number(text(child(snap, 'creationTime')) ?? 0) * 1000)
  return {
    name,
    description: text(child(snap, 'description')) ?? '',
    parent: text(child(child(snap, 'parent'), 'name')) ?? null,
    state: (text(child(snap, 'state')) ?? 'unknown').trim(),
    createdAt: Number.isFinite(created.getTime()) ? created.toISOString() : '',
    memory: memory === 'internal' || memory === 'external',
    kind: memory === 'external' || diskKinds.includes('external') ? 'external' : 'internal',
  }
}
