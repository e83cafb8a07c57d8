// Test harness: a real libvirtd of the test's own, isolated from the host. It runs in a network namespace
// (guest traffic never leaves it) and a mount namespace with private libvirt state, listening on a socket
// under a temp directory. Stale ones from a killed run are cleaned up first.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface TestLibvirtd {
  name: string
  dir: string
  socket: string
  /** libvirt's test driver through this daemon: state persists across calls. */
  testUri: string
  /** The QEMU driver of this daemon (software emulation here). */
  qemuUri: string
  stop(): Promise<void>
}

const PREFIX = 'stacklab-test-'
const INNER = fileURLToPath(new URL('./libvirtd-inner.sh', import.meta.url))

function sh(file: string, args: string[]): string {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function killNamespace(name: string): void {
  for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
    let pids: number[] = []
    try {
      pids = sh('ip', ['netns', 'pids', name]).split('\n').filter(Boolean).map(Number)
    } catch {
      return
    }
    for (const pid of pids) {
      try {
        process.kill(pid, sig)
      } catch {
        /* gone */
      }
    }
    if (pids.length && sig === 'SIGTERM') execFileSync('sleep', ['1'])
  }
  try {
    sh('ip', ['netns', 'delete', name])
  } catch {
    /* already gone */
  }
}

/** Remove namespaces, daemons and temp dirs left by runs whose process no longer exists. */
export function cleanStale(): string[] {
  const cleaned: string[] = []
  let list = ''
  try {
    list = sh('ip', ['netns', 'list'])
  } catch {
    return cleaned
  }
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0] ?? ''
    if (!name.startsWith(PREFIX)) continue
    const owner = Number(name.slice(PREFIX.length).split('-')[0])
    if (Number.isFinite(owner) && alive(owner) && owner !== process.pid) continue
    killNamespace(name)
    rmSync(join('/tmp', name), { recursive: true, force: true })
    cleaned.push(name)
  }
  return cleaned
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string, log: string): Promise<void> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-20).join('\n') : ''
  throw new Error(`timed out waiting for ${what}\n${tail}`)
}

export async function startTestLibvirtd(tag = 'it'): Promise<TestLibvirtd> {
  if (process.getuid?.() !== 0)
    throw new Error('the libvirtd test harness needs root (network and mount namespaces)')
  cleanStale()
  const name = `${PREFIX}${process.pid}-${tag}`
  const dir = join('/tmp', name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  sh('ip', ['netns', 'add', name])
  const socket = join(dir, 'sock', 'libvirt-sock')
  const child: ChildProcess = spawn(
    'ip',
    ['netns', 'exec', name, 'unshare', '--mount', '--propagation', 'private', '--', 'bash', INNER, dir],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const testUri = `test+unix:///default?socket=${socket}`
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 300))
    killNamespace(name)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitFor(
      () => existsSync(socket) || child.exitCode !== null,
      30_000,
      'libvirtd socket',
      join(dir, 'libvirtd.log'),
    )
    if (child.exitCode !== null) throw new Error(`libvirtd exited (${child.exitCode}): ${stderr}`)
    await waitFor(
      () => {
        try {
          sh('virsh', ['-c', testUri, 'uri'])
          return true
        } catch {
          return false
        }
      },
      30_000,
      'libvirtd to answer',
      join(dir, 'libvirtd.log'),
    )
  } catch (error) {
    await stop()
    throw error
  }
  // The test driver frees its shared default state when its last connection closes; one long-lived
  // connection keeps that state alive across every virsh call of the run.
  const keeper = spawn('virsh', ['-c', testUri, 'event', '--all', '--loop'], { stdio: 'ignore' })
  const stopDaemon = stop
  await new Promise((r) => setTimeout(r, 1000)) // let the keeper connect before anyone relies on it
  return {
    name,
    dir,
    socket,
    testUri,
    qemuUri: `qemu+unix:///system?socket=${socket}`,
    stop: async () => {
      keeper.kill('SIGTERM')
      await stopDaemon()
    },
  }
}
