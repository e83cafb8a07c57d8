// Several virsh commands in one process: virsh runs `cmd1 ; cmd2 ; ...` from a single argument with its own
// parser (not a shell), so a full refresh costs the same number of processes for 1 domain or 50.
// Each command's output is cut out between unique markers.
import { randomBytes } from 'node:crypto'
import type { Virsh } from './virsh'

/** One virsh command as an argument list; every argument must be a plain token (names are validated). */
export type VirshCommand = readonly string[]

const SAFE = /^[A-Za-z0-9_.:/=@,+-]+$/

function quote(arg: string): string {
  if (SAFE.test(arg)) return arg
  if (/['\n\\]/.test(arg)) throw new Error(`argument not allowed in a virsh batch: ${JSON.stringify(arg)}`)
  return `'${arg}'`
}

export function batchMarker(tag: string, i: number): string {
  return `@@stacklab-${tag}-${i}@@`
}

/** The single argument virsh gets: `echo M0 ; cmd0 ; echo M1 ; cmd1 ; ... ; echo Mn`. */
export function batchScript(commands: readonly VirshCommand[], tag: string): string {
  const parts = commands.map((c, i) => `echo ${batchMarker(tag, i)} ; ${c.map(quote).join(' ')}`)
  return `${parts.join(' ; ')} ; echo ${batchMarker(tag, commands.length)}`
}

/**
 * Run commands in one virsh process. Returns each command's stdout; a command that failed yields null
 * (virsh goes on with the next one; its message is in stderr).
 */
export async function virshBatch(
  virsh: Virsh,
  commands: readonly VirshCommand[],
): Promise<(string | null)[]> {
  if (!commands.length) return []
  const tag = randomBytes(6).toString('hex')
  const marker = (i: number) => `@@stacklab-${tag}-${i}@@`
  const script =
    commands.map((c, i) => `echo ${marker(i)} ; ${c.map(quote).join(' ')}`).join(' ; ') +
    ` ; echo ${marker(commands.length)}`
  const out = await virsh([script], { timeoutMs: 60_000 })
  const results: (string | null)[] = []
  for (let i = 0; i < commands.length; i++) {
    const start = out.indexOf(marker(i))
    const end = out.indexOf(marker(i + 1))
    if (start < 0 || end < 0) {
      results.push(null)
      continue
    }
    const body = out.slice(start + marker(i).length, end).replace(/^\n/, '')
    results.push(body.trim() === '' ? null : body)
  }
  return results
}
