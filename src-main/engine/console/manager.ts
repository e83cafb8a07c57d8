// The engine's open consoles: finds a lab node's address, login key and pinned host key (SSH) or its libvirt
// domain (serial) in the lab state, opens sessions, and routes writes, resizes and acknowledgements to them.
// Sessions stay listed after they exit (so a client can reconnect them) until they are closed.
import type { ConsoleInfo, ConsoleKind, ConsoleOpenInput } from '../../../src-shared/console'
import { ApiError, apiErrorOf } from '../../../src-shared/errors'
import { EngineFailure } from '../../../src-shared/failures'
import type { Run } from '../exec'
import type { Logger } from '../log'
import type { LabStore } from '../lab/store'
import { HostKeyMismatch } from '../ssh/client'
import { nodeTarget } from '../lab/node-ssh'
import { domainConsoleArgv } from '../libvirt/console'
import { ptyTransport } from './serial'
import { ConsoleSession, SessionNotOpen, type SessionSink } from './session'
import { sshTransport } from './ssh'

export interface ConsoleDeps {
  run: Run
  store: LabStore
  logger: Logger
  /** The libvirt connection of the settings (serial consoles go through it). */
  uri: () => Promise<string>
  /** The UUID of the domain with exactly this name; a not-found error when there is none. */
  domainUuid: (name: string) => Promise<string>
  sink: SessionSink
}

export class ConsoleManager {
  private readonly sessions = new Map<string, ConsoleSession>()

  constructor(private readonly deps: ConsoleDeps) {}

  list(): ConsoleInfo[] {
    return [...this.sessions.values()].map((s) => s.info())
  }

  async open(input: ConsoleOpenInput): Promise<ConsoleInfo> {
    if (input.domain !== undefined) return this.openDomain(input.domain, input)
    if (input.lab === undefined || input.node === undefined)
      throw new ApiError({ code: 'bad-request', message: 'lab: give a lab and node, or a domain' })
    return this.openNode({ ...input, lab: input.lab, node: input.node })
  }

  /**
   * The serial console of any VM on the host, by its libvirt name. Looked up first (a name that is not a VM
   * is refused before any process starts) and then addressed by UUID, so a name like `--help` stays a name.
   */
  private async openDomain(name: string, size: { cols: number; rows: number }): Promise<ConsoleInfo> {
    const uuid = await this.deps.domainUuid(name)
    const session = new ConsoleSession(
      {
        lab: '',
        node: name,
        domain: name,
        kind: 'serial',
        title: `${name} (serial)`,
        cols: size.cols,
        rows: size.rows,
        connect: ptyTransport(this.deps.logger, async () => domainConsoleArgv(await this.deps.uri(), uuid)),
      },
      this.deps.sink,
    )
    return this.begin(session, { domain: name })
  }

  private async openNode(input: {
    lab: string
    node: string
    kind: ConsoleKind
    cols: number
    rows: number
  }): Promise<ConsoleInfo> {
    const state = await this.deps.store.get(input.lab)
    if (!state) throw new ApiError({ code: 'not-found', message: `lab: there is no lab named ${input.lab}` })
    const node = state.nodes[input.node]
    if (!node) {
      const known = Object.keys(state.nodes)
      throw new ApiError({
        code: 'not-found',
        message: `node: lab ${input.lab} has no node ${input.node} ready for a console${known.length ? ` (nodes: ${known.join(', ')})` : ' yet'}`,
      })
    }
    const connect =
      input.kind === 'ssh'
        ? sshTransport(() => nodeTarget(this.deps.store.files(state.definition.name), state, input.node))
        : ptyTransport(this.deps.logger, async () => domainConsoleArgv(await this.deps.uri(), node.domain))
    const session = new ConsoleSession(
      {
        lab: input.lab,
        node: input.node,
        kind: input.kind,
        title: `${input.node} (${input.kind === 'ssh' ? `ssh root@${node.address}` : `serial ${node.domain}`})`,
        vm: node.domain,
        cols: input.cols,
        rows: input.rows,
        connect,
      },
      this.deps.sink,
    )
    return this.begin(session, { lab: input.lab, node: input.node })
  }

  private async begin(session: ConsoleSession, what: Record<string, string>): Promise<ConsoleInfo> {
    this.sessions.set(session.id, session)
    try {
      await session.start()
    } catch (error) {
      this.sessions.delete(session.id)
      throw toApiError(error, session)
    }
    this.deps.logger.log('info', 'console opened', { id: session.id, ...what })
    return session.info()
  }

  /** For tests and tools that need a pty console of their own program (never reachable from the API). */
  async openProgram(
    argv: string[],
    size: { cols: number; rows: number },
    title = argv[0] ?? 'program',
  ): Promise<ConsoleInfo> {
    const session = new ConsoleSession(
      {
        lab: '-',
        node: '-',
        kind: 'serial',
        title,
        ...size,
        connect: ptyTransport(this.deps.logger, () => Promise.resolve(argv)),
      },
      this.deps.sink,
    )
    this.sessions.set(session.id, session)
    await session.start()
    return session.info()
  }

  write(id: string, data: string): void {
    try {
      this.get(id).write(data)
    } catch (error) {
      if (error instanceof SessionNotOpen)
        throw new ApiError({ code: 'invalid-state', message: error.message })
      throw error
    }
  }

  resize(id: string, cols: number, rows: number): void {
    this.get(id).resize(cols, rows)
  }

  ack(id: string, bytes: number): void {
    this.get(id).ack(bytes)
  }

  async reconnect(id: string): Promise<ConsoleInfo> {
    const session = this.get(id)
    if (session.state !== 'exited')
      throw new ApiError({ code: 'invalid-state', message: `The console ${session.title} is still running` })
    try {
      await session.start()
    } catch (error) {
      throw toApiError(error, session)
    }
    return session.info()
  }

  /**
   * These VMs went back to a checkpoint: the consoles open on them end, each saying so (an SSH connection
   * would otherwise hang on a TCP session the restored guest never had). Reconnecting opens a new one.
   */
  dropFor(domains: readonly string[], checkpoint: string): void {
    const vms = new Set(domains)
    for (const session of this.sessions.values())
      if (session.vm && vms.has(session.vm)) {
        session.drop(`${session.vm} went back to checkpoint "${checkpoint}"; reconnect for a new session`)
        this.deps.logger.log('info', 'console ended by a checkpoint restore', { id: session.id, checkpoint })
      }
  }

  close(id: string): void {
    const session = this.get(id)
    this.sessions.delete(id)
    session.close()
    this.deps.logger.log('info', 'console closed', { id })
  }

  closeAll(): void {
    for (const id of [...this.sessions.keys()]) this.close(id)
  }

  private get(id: string): ConsoleSession {
    const session = this.sessions.get(id)
    if (!session) throw new ApiError({ code: 'not-found', message: `id: no console ${id} (it was closed)` })
    return session
  }
}

function toApiError(error: unknown, session: ConsoleSession): ApiError {
  if (error instanceof ApiError) return error
  // A refused host key is its own answer (the console must not look merely unreachable).
  if (error instanceof HostKeyMismatch) return apiErrorOf(error)
  const message = (error as Error)?.message ?? String(error)
  if (error instanceof EngineFailure)
    return apiErrorOf(error, `Could not open the console of ${session.title}: ${message}`)
  return new ApiError({
    code: 'unreachable',
    message: `Could not open the console of ${session.title}: ${message}`,
  })
}
