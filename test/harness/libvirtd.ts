// Test harness: a real libvirtd of the test's own, isolated from the host. It runs in a network namespace
// (guest traffic never leaves it) and a mount namespace with private libvirt state, listening on a socket
// under a temp directory. Stale ones from a killed run are cleaned up first.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { waitFor } from '../helpers'

export interface TestLibvirtd {
  name: string
  dir: string
  socket: string
  /** libvirt's test driver through this daemon: state persists across calls. */
  testUri: string
  /** The QEMU driver of this daemon (software emulation here). */
  qemuUri: string
  stop(): Promise<void>
  /** Stop and start libvirtd (state of the test driver resets to its built-in default). */
  restart(): Promise<void>
  stopDaemon(): Promise<void>
  startDaemon(): Promise<void>
}

const PREFIX = 'stacklab-test-'
const INNER = fileURLToPath(new URL('./libvirtd-inner.sh', import.meta.url))

function sh(file: string, args: string[]): string {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Running, and not a zombie nobody reaped (a killed run's process can linger as one). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'
  } catch {
    return false
  }
}

async function killNamespace(name: string): Promise<void> {
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
    // Give them the chance to end cleanly; what has not ended by then gets SIGKILL.
    if (pids.length && sig === 'SIGTERM')
      await waitFor(() => !pids.some(alive), { timeoutMs: 5000, what: `${name}'s processes to end` }).catch(
        () => undefined,
      )
  }
  try {
    sh('ip', ['netns', 'delete', name])
  } catch {
    /* already gone */
  }
}

/** Remove namespaces, daemons and temp dirs left by runs whose process no longer exists. */
export async function cleanStale(): Promise<string[]> {
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
    await killNamespace(name)
    rmSync(join('/tmp', name), { recursive: true, force: true })
    cleaned.push(name)
  }
  return cleaned
}

/** waitFor, with the end of libvirtd's log in the error. */
async function waitLogged(check: () => boolean, timeoutMs: number, what: string, log: string): Promise<void> {
  await waitFor(check, { timeoutMs, intervalMs: 100, what }).catch((error: Error) => {
    const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-20).join('\n') : ''
    throw new Error(`${error.message}\n${tail}`)
  })
}

export async function startTestLibvirtd(tag = 'it'): Promise<TestLibvirtd> {
  if (process.getuid?.() !== 0)
    throw new Error('the libvirtd test harness needs root (network and mount namespaces)')
  await cleanStale()
  const name = `${PREFIX}${process.pid}-${tag}`
  const dir = join('/tmp', name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  sh('ip', ['netns', 'add', name])
  const socket = join(dir, 'sock', 'libvirt-sock')
  const testUri = `test+unix:///default?socket=${socket}`
  let child: ChildProcess | null = null
  let keeper: ChildProcess | null = null
  let stderr = ''

  const answers = () => {
    try {
      sh('virsh', ['-c', testUri, 'uri'])
      return true
    } catch {
      return false
    }
  }
  const launch = async () => {
    rmSync(socket, { force: true })
    stderr = ''
    const proc = spawn(
      'ip',
      ['netns', 'exec', name, 'unshare', '--mount', '--propagation', 'private', '--', 'bash', INNER, dir],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    child = proc
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    const log = join(dir, 'libvirtd.log')
    await waitLogged(() => existsSync(socket) || proc.exitCode !== null, 30_000, 'libvirtd socket', log)
    if (proc.exitCode !== null) throw new Error(`libvirtd exited (${proc.exitCode}): ${stderr}`)
    await waitLogged(answers, 30_000, 'libvirtd to answer', log)
    // The test driver frees its shared default state when its last connection closes; one long-lived
    // connection keeps that state alive across every virsh call of the run: an interactive virsh, whose
    // answer to `uri` says its connection is open (its stdin stays open, so it waits for the next command).
    const k = spawn('virsh', ['-c', testUri], { stdio: ['pipe', 'pipe', 'ignore'] })
    keeper = k
    await new Promise<void>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error(`the keeper virsh did not answer: ${out}`)), 30_000)
      k.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('test+unix://')) {
          clearTimeout(timer)
          resolve()
        }
      })
      k.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`the keeper virsh exited (${code}): ${out}`))
      })
      k.stdin.write('uri\n')
    })
  }
  const halt = async () => {
    keeper?.kill('SIGTERM')
    const proc = child
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r))
      proc.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
    }
  }
  const stop = async () => {
    await halt()
    await killNamespace(name)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await launch()
  } catch (error) {
    await stop()
    throw error
  }
  return {
    name,
    dir,
    socket,
    testUri,
    qemuUri: `qemu+unix:///system?socket=${socket}`,
    stop,
    restart: async () => {
      await halt()
      await launch()
    },
    stopDaemon: halt,
    startDaemon: launch,
  }
}
