// Several virsh commands in one process: virsh runs `cmd1 ; cmd2 ; ...` from a single argument with its own
// parser (not a shell), so a full refresh costs the same number of processes for 1 domain or 50.
// Each command's output is cut out between unique markers.
//
// Quoting follows virsh's own command-string parser (tools/vsh.c, vshCommandStringGetArg): inside single
// quotes every character is literal (`;`, `#`, `"`, `\`, spaces, tabs, newlines, any Unicode) up to the next
// `'`; outside quotes `\` escapes the next character. So every argument goes in single quotes and each `'`
// in it becomes `'\''` (close, an escaped quote, reopen). Quoting never decides what an argument means:
// callers pass names after an option (`--domain NAME`) so a name like `--help` is a value, not an option.
import { randomBytes } from 'node:crypto'
import type { Virsh } from './virsh'

/** One virsh command as an argument list. */
export type VirshCommand = readonly string[]

/**
 * One script argument stays well under Linux's limit for a single argument (MAX_ARG_STRLEN, 128 KiB):
 * a longer list of commands is split over several processes, never refused.
 */
export const MAX_SCRIPT_BYTES = 100 * 1024

const PLAIN = /^[A-Za-z0-9_.:/=@,+-]+$/

/** An argument as virsh's command-string parser reads it back exactly. */
export function quoteForVirsh(arg: string): string {
  if (PLAIN.test(arg) && !arg.startsWith('#')) return arg
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

/** No argument of a process can hold NUL; such a command cannot run, in a batch or alone. */
function runnable(command: VirshCommand): boolean {
  return command.every((a) => !a.includes('\0'))
}

export function batchMarker(tag: string, i: number): string {
  return `@@stacklab-${tag}-${i}@@`
}

/** The single argument virsh gets: `echo M0 ; cmd0 ; echo M1 ; cmd1 ; ... ; echo Mn`. */
export function batchScript(commands: readonly VirshCommand[], tag: string, from = 0): string {
  const parts = commands.map(
    (c, i) => `echo ${batchMarker(tag, from + i)} ; ${c.map(quoteForVirsh).join(' ')}`,
  )
  return `${parts.join(' ; ')} ; echo ${batchMarker(tag, from + commands.length)}`
}

/** Consecutive runs of commands whose scripts fit one argument; a command too long for any runs alone. */
function chunks(commands: readonly VirshCommand[]): { from: number; commands: VirshCommand[] }[] {
  const out: { from: number; commands: VirshCommand[] }[] = []
  let current: { from: number; commands: VirshCommand[] } | null = null
  let bytes = 0
  commands.forEach((c, i) => {
    const size = Buffer.byteLength(c.map(quoteForVirsh).join(' ')) + 48
    if (!current || bytes + size > MAX_SCRIPT_BYTES) {
      current = { from: i, commands: [] }
      out.push(current)
      bytes = 0
    }
    current.commands.push(c)
    bytes += size
  })
  return out
}

/**
 * Run commands in as few virsh processes as fit. Returns each command's stdout; a command that failed, printed
 * nothing, or cannot run at all yields null, and only it: virsh goes on with the next one (its message is in
 * stderr).
 */
export async function virshBatch(
  virsh: Virsh,
  commands: readonly VirshCommand[],
): Promise<(string | null)[]> {
  const results: (string | null)[] = commands.map(() => null)
  for (const chunk of chunks(commands)) {
    const tag = randomBytes(6).toString('hex')
    const runnableOnes = chunk.commands.map(runnable)
    const single = chunk.commands.length === 1 && chunk.commands[0]!
    if (single && Buffer.byteLength(batchScript([single], tag)) > MAX_SCRIPT_BYTES) {
      // Too long for virsh's command string: as plain arguments of its own process.
      if (runnableOnes[0])
        results[chunk.from] = await virsh(single, { timeoutMs: 60_000 }).then(
          (out) => (out === '' ? null : out),
          () => null,
        )
      continue
    }
    const script = batchScript(
      chunk.commands.map((c, i) => (runnableOnes[i] ? c : ['echo'])),
      tag,
      chunk.from,
    )
    const out = await virsh([script], { timeoutMs: 60_000 })
    chunk.commands.forEach((_, j) => {
      const i = chunk.from + j
      if (!runnableOnes[j]) return
      const startMark = batchMarker(tag, i)
      const start = out.indexOf(startMark)
      const end = out.indexOf(batchMarker(tag, i + 1))
      if (start < 0 || end < 0) return
      // Under --quiet (createVirsh), virsh's `echo` ends no line: the output starts right after the marker.
      const body = out.slice(start + startMark.length, end)
      // Empty means failed (or nothing to say); a name of spaces alone is still a name.
      results[i] = body === '' ? null : body
    })
  }
  return results
}
