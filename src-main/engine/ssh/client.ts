// SSH to lab nodes with ssh2: the lab's key, the node's host key checked against the fingerprint Stacklab
// recorded when it made that key (a mismatch stops the connection: no silent trust), keepalive, and waiting
// for a booting node to answer.
import { createHash } from 'node:crypto'
import { Client, type ConnectConfig } from 'ssh2'
import { EngineFailure } from '../../../src-shared/failures'

export class HostKeyMismatch extends EngineFailure {
  constructor(
    readonly host: string,
    readonly expected: string,
    readonly got: string,
  ) {
    super(
      'ssh.host-key',
      `The SSH host key of ${host} is ${got}, not the ${expected} Stacklab recorded when it built this node. ` +
        'Stacklab refused to connect: the node may have been rebuilt outside Stacklab, or someone is in between.',
      {
        params: { host, expected, got },
        fix: `Find out who answers at ${host}; if the node was rebuilt outside Stacklab, delete the lab and build it again with Stacklab.`,
      },
    )
    this.name = 'HostKeyMismatch'
  }
}

/** SSH to a node failed before a command ran: nothing answered, the key was refused, or time ran out. */
export class SshError extends EngineFailure {
  constructor(
    code: 'ssh.unreachable' | 'ssh.auth' | 'ssh.timeout',
    message: string,
    readonly host: string,
  ) {
    super(code, message, {
      params: { host },
      fix:
        code === 'ssh.auth'
          ? `The node ${host} refused the lab's SSH key: it may have been changed outside Stacklab.`
          : `Check the node ${host} is running and its network is up (the Lab page shows both).`,
    })
    this.name = 'SshError'
  }
}

/** ssh2's error as an SshError: its `level` says whether authentication or the handshake's time failed. */
function sshErrorOf(error: Error & { level?: string }, host: string): Error {
  if (error instanceof EngineFailure) return error
  const level = error.level
  const code =
    level === 'client-authentication'
      ? 'ssh.auth'
      : level === 'client-timeout'
        ? 'ssh.timeout'
        : 'ssh.unreachable'
  return new SshError(code, error.message, host)
}

export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=/g, '')}`
}

export interface SshTarget {
  host: string
  port?: number
  username: string
  privateKey: string | Buffer
  /** `SHA256:...` of the node's host key. */
  fingerprint: string
}

export function sshConnect(
  target: SshTarget,
  options: { readyTimeoutMs?: number; signal?: AbortSignal } = {},
): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client()
    let mismatch: HostKeyMismatch | null = null
    const onAbort = () => {
      client.end()
      reject(new Error('cancelled'))
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    const config: ConnectConfig = {
      host: target.host,
      port: target.port ?? 22,
      username: target.username,
      privateKey: target.privateKey,
      readyTimeout: options.readyTimeoutMs ?? 20_000,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
      hostVerifier: (key: Buffer) => {
        const got = fingerprintOf(key)
        if (got === target.fingerprint) return true
        mismatch = new HostKeyMismatch(target.host, target.fingerprint, got)
        return false
      },
    }
    client.once('ready', () => {
      options.signal?.removeEventListener('abort', onAbort)
      resolve(client)
    })
    client.once('error', (error) => {
      options.signal?.removeEventListener('abort', onAbort)
      reject(mismatch ?? sshErrorOf(error, target.host))
    })
    client.connect(config)
  })
}

export interface ExecResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Run one command on the node (the remote side is a shell by SSH's design; arguments come from Stacklab). */
export function sshExec(
  client: Client,
  command: string,
  options: { stdin?: string } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error)
      let stdout = ''
      let stderr = ''
      stream.on('data', (d: Buffer) => (stdout += d.toString()))
      stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      stream.on('close', (code: number | null) => resolve({ code, stdout, stderr }))
      if (options.stdin !== undefined) stream.end(options.stdin)
    })
  })
}

/** Try until the node answers SSH (it is booting) or the time is up. A host key mismatch ends it at once. */
export async function waitForSsh(
  target: SshTarget,
  options: {
    timeoutMs: number
    intervalMs?: number
    signal?: AbortSignal
    onAttempt?: (n: number, error: string) => void
  },
): Promise<Client> {
  const end = Date.now() + options.timeoutMs
  for (let attempt = 1; ; attempt++) {
    try {
      // Once sshd answers, a node still booting under emulation may take long over the handshake: starting
      // over after a short timeout would throw that work away, so the wait for it is generous.
      return await sshConnect(target, {
        readyTimeoutMs: 60_000,
        ...(options.signal ? { signal: options.signal } : {}),
      })
    } catch (error) {
      if (error instanceof HostKeyMismatch || options.signal?.aborted) throw error
      const message = (error as Error).message
      options.onAttempt?.(attempt, message)
      if (Date.now() > end)
        throw new SshError(
          'ssh.timeout',
          `${target.host} did not answer SSH within ${Math.round(options.timeoutMs / 1000)} s (last error: ${message})`,
          target.host,
        )
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 2000))
    }
  }
}
