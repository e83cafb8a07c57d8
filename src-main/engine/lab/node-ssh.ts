// SSH to a lab's nodes as root with the lab's login key, checking each node's host key against the
// fingerprint Stacklab recorded when it made that key: exactly as the lab pipeline reaches them. Shared by
// install, status and consoles.
import { readFile } from 'node:fs/promises'
import type { Client } from 'ssh2'
import { ApiError } from '../../../src-shared/errors'
import { GuestCommandError } from '../../../src-shared/failures'
import { nodeAddress, type LabState, type NodeDef } from '../../../src-shared/lab'
import { maskGuest } from '../secrets'
import { sshConnect, sshExec, waitForSsh, type SshTarget } from '../ssh/client'
import type { LabFiles } from './files'

export function nodeDef(state: LabState, node: string): NodeDef {
  const def = state.definition.nodes.find((n) => n.name === node)
  if (!def || !state.nodes[node])
    throw new ApiError({
      code: 'not-found',
      message: `lab ${state.definition.name} has no node ${node} (nodes: ${Object.keys(state.nodes).join(', ') || 'none yet'})`,
    })
  return def
}

/** Where and how to reach a node: its fixed address, root, the lab key, the pinned host key. */
export async function nodeTarget(files: LabFiles, state: LabState, node: string): Promise<SshTarget> {
  nodeDef(state, node)
  const n = state.nodes[node]!
  // Never make a key here: a lab without one has not been built far enough to log in.
  const privateKey = await readFile(files.loginKey).catch(() => {
    throw new ApiError({
      code: 'invalid-state',
      message: `lab ${state.definition.name} has no login key yet (its creation did not get that far)`,
    })
  })
  return { host: n.address, username: 'root', privateKey, fingerprint: n.hostKeyFingerprint }
}

/** The node's host public key line as Stacklab made it (for the controller's known_hosts). */
export async function nodeHostKeyLine(files: LabFiles, node: string): Promise<string> {
  const text = await readFile(files.hostKeyPub(node), 'utf8')
  return text.trim().split(/\s+/).slice(0, 2).join(' ')
}

export async function connectNode(
  files: LabFiles,
  state: LabState,
  node: string,
  options: { signal?: AbortSignal; waitMs?: number } = {},
): Promise<Client> {
  const target = await nodeTarget(files, state, node)
  const signal = options.signal ? { signal: options.signal } : {}
  if (options.waitMs) return waitForSsh(target, { timeoutMs: options.waitMs, intervalMs: 2000, ...signal })
  return sshConnect(target, { readyTimeoutMs: 15_000, ...signal })
}

export function controllerOf(state: LabState): NodeDef {
  const c = state.definition.nodes.find((n) => n.role === 'controller')
  if (!c)
    throw new ApiError({ code: 'invalid-state', message: `lab ${state.definition.name} has no controller` })
  return c
}

/**
 * Steps each node's clock to the host's where it is more than 2 s off. A guest's clock stands still while it
 * is paused for a checkpoint and goes back to the checkpoint's moment when one is restored (measured: 14
 * minutes behind after a retry); Keystone's tokens, Nova's service heartbeats and TLS all read it, and a lab
 * has no time server to correct it. Returns what it did, for a step's detail.
 */
export async function syncClocks(clients: Map<string, Client>): Promise<string> {
  const stepped: string[] = []
  for (const [name, client] of clients) {
    // Best effort: a node that does not answer here fails the next real command, with its own message.
    const r = await sshExec(client, 'date -u +%s').catch(() => null)
    if (r?.code !== 0 || !/^\d+$/.test(r.stdout.trim())) continue
    const offset = Number(r.stdout.trim()) - Math.round(Date.now() / 1000)
    if (Math.abs(offset) <= 2) continue
    const set = await sshExec(client, `date -u -s @${Math.round(Date.now() / 1000)}`).catch(() => null)
    if (set?.code === 0) stepped.push(`${name} ${offset > 0 ? '+' : ''}${offset} s`)
  }
  return stepped.length ? `clocks set to the host's (were ${stepped.join(', ')})` : 'clocks agree'
}

/** One command on a node; a non-zero exit is an error carrying its (masked) output. */
export async function remote(client: Client, command: string, stdin?: string): Promise<string> {
  const r = await sshExec(client, command, stdin !== undefined ? { stdin } : {})
  if (r.code !== 0)
    throw new GuestCommandError(
      command.split(' ')[0] ?? '',
      r.code,
      maskGuest((r.stderr || r.stdout).trim().slice(-600)),
    )
  return r.stdout
}

/**
 * The controller logs into every node as root, as the seeds do (`scp compute:/etc/nova/nova.conf ...`) and
 * packstack needs: a key of its own in each node's authorized_keys, and every node's pinned host key in its
 * known_hosts under address, FQDN and short name. Idempotent: lines already there are not added twice.
 */
export async function trustController(
  files: LabFiles,
  state: LabState,
  controller: Client,
  clients: Client[],
): Promise<void> {
  const pub = (
    await remote(
      controller,
      "test -f /root/.ssh/id_rsa || ssh-keygen -q -t rsa -b 3072 -N '' -f /root/.ssh/id_rsa; cat /root/.ssh/id_rsa.pub",
    )
  ).trim()
  const addLine =
    'mkdir -p -m 0700 /root/.ssh; while IFS= read -r l; do grep -qxF "$l" FILE 2>/dev/null || printf "%s\\n" "$l" >> FILE; done; chmod 0600 FILE'
  for (const c of clients)
    await remote(c, addLine.replaceAll('FILE', '/root/.ssh/authorized_keys'), `${pub}\n`)
  const known: string[] = []
  for (const n of state.definition.nodes) {
    const key = await nodeHostKeyLine(files, n.name)
    known.push(`${nodeAddress(n)},${n.name}.${state.definition.domain},${n.name} ${key}`)
  }
  await remote(controller, addLine.replaceAll('FILE', '/root/.ssh/known_hosts'), known.join('\n') + '\n')
}
