// Objects people write by hand (lab definitions, node files): every key must be one the schema knows. An
// unknown key is refused, not dropped, and the nearest known key is named: a misspelt `dhcp` dropped
// silently would hide the very clash it was written to prevent. Keys that look like secrets get their own
// answer (Stacklab takes no password from a file).
import { z } from 'zod'

/** Levenshtein distance (insertions, deletions, substitutions), for "did you mean". */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length]!
}

/** The known key `key` most likely means: within two edits (case aside), or the only one it starts. */
export function nearestKey(key: string, known: readonly string[]): string | null {
  const k = key.toLowerCase()
  let best: string | null = null
  let bestDistance = 3
  for (const candidate of known) {
    const d = editDistance(k, candidate.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [candidate, d]
  }
  if (best) return best
  const starting = known.filter((c) => k.length >= 3 && c.toLowerCase().startsWith(k))
  return starting.length === 1 ? starting[0]! : null
}

/** Keys that would carry a secret: a lab file is plain text, so none is taken from it. */
const SECRET_KEY = /pass|secret|token|pw$/i

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  if (SECRET_KEY.test(key))
    return (
      'unknown key: Stacklab makes each lab\u2019s root password itself and keeps it in a private file ' +
      '(and your keyring); no password is taken from a lab file'
    )
  const near = nearestKey(key, known)
  return near ? `unknown key; did you mean "${near}"?` : `unknown key; the keys here are ${known.join(', ')}`
}

/**
 * `z.object(shape)` that refuses unknown keys, one issue per key at the key's own path
 * (`networks.1.dchp: unknown key; did you mean "dhcp"?`). The issues do not stop the object's other
 * checks, so one pass lists every problem. Typed as zod's strict object: a parsed value has only known keys.
 */
export function closedObject<S extends z.ZodRawShape>(shape: S): z.ZodObject<S, z.core.$strict> {
  const known = Object.keys(shape)
  const unknownKey = z.custom<never>(() => false, {
    abort: false,
    error: (iss) => unknownKeyMessage(String(iss.path?.at(-1) ?? ''), known),
  })
  return z.object(shape).catchall(unknownKey)
}
