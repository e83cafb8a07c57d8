// Tools left running by an engine that died (virt-builder, virt-customize, their libguestfs appliances)
// found by their command lines and stopped before a resume or delete touches the same files.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LabEnv } from './env'

const TOOLS = new Set([
  'virt-builder',
  'virt-customize',
  'virt-resize',
  'guestfish',
  'qemu-img',
  'ssh-keygen',
  'supermin',
])

/**
 * Is this process (its NUL-split command line) a tool working on one of `marks` (the lab's paths)? Only the
 * tools the pipeline starts and libguestfs's own appliance count; the lab's VMs (QEMU run by libvirt,
 * `-name guest=...`) never do.
 */
export function isLeftoverTool(argv: string[], marks: string[]): boolean {
  if (!argv.length || !marks.some((m) => argv.some((a) => a.includes(m)))) return false
  const program = (argv[0] ?? '').split('/').pop() ?? ''
  if (TOOLS.has(program)) return true
  // Perl/OCaml tools can show up under their interpreter; the appliance is QEMU with guestfs's kernel.
  if (/^qemu-system/.test(program))
    return !argv.some((a) => a.startsWith('guest=')) && argv.some((a) => a.includes('guestfs'))
  return argv.slice(1, 3).some((a) => TOOLS.has(a.split('/').pop() ?? ''))
}

/**
 * After a crash, tools the dead engine started (virt-builder, virt-customize and their appliances) may still
 * be working on this lab's files. Stop them before a resume or delete touches the same files.
 */
export async function stopLeftovers(env: LabEnv, lab: string): Promise<number[]> {
  const marks = [`${join(env.imagesDir, lab)}/`, `${env.store.files(lab).dir}/`]
  const found: number[] = []
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || pid === process.pid) continue
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (isLeftoverTool(cmdline.split('\0').filter(Boolean), marks)) found.push(pid)
  }
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of found) {
      try {
        process.kill(pid, sig)
      } catch {
        /* already gone */
      }
    }
  }
  if (found.length) {
    env.logger.log('warn', 'stopping tools left running by an earlier run', { lab, pids: found })
    signal('SIGTERM')
    await new Promise((r) => setTimeout(r, 2000))
    signal('SIGKILL')
    await new Promise((r) => setTimeout(r, 200))
  }
  return found
}
