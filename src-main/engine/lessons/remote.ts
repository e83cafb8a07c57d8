// What a lesson runs on a lab's nodes: its checks and its solution steps, over SSH as the lab pipeline
// reaches the nodes (root, the lab key, the pinned host key). Commands come from Stacklab's lesson files
// only. With `admin`, the lab's admin credentials are loaded first by sourcing the file the install left
// on the node (`. /root/admin-openrc`): the password stays in that file, never on a command line or in a log.
import type { Client } from 'ssh2'
import type { Check, Step, TaskResult } from '../../../src-shared/lesson'
import { installerOf, type LabState } from '../../../src-shared/lab'
import { Cancelled, pause } from '../jobs'
import { presetOf } from '../lab/env'
import { connectNode } from '../lab/node-ssh'
import type { LabFiles } from '../lab/files'
import { ADMIN_OPENRC } from '../install/debian/common'
import { ADMIN_RC, readAdminRc } from '../install/status'
import { maskGuest } from '../secrets'
import { sshExec, type ExecResult } from '../ssh/client'
import { evaluateCheck, lastMeaningfulLine, onItsWay } from './evaluate'

/** How long one check command may take before it counts as not answering. */
export const CHECK_TIMEOUT_MS = 120_000
/** How long one solution command may take (an image upload, an instance boot). */
export const STEP_TIMEOUT_MS = 15 * 60_000
/** Between tries of a check that waits (`waitSeconds`). */
const RETRY_MS = 5000

/** Plain-English trouble reaching a node or its credentials: "could not check", not the learner's doing. */
export class CannotCheck extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CannotCheck'
  }
}

/** The admin credential files an install leaves on the controller, the lab's own kind first. */
export function adminFiles(state: LabState): string[] {
  return installerOf(presetOf(state)) === 'packages' ? [ADMIN_OPENRC, ADMIN_RC] : [ADMIN_RC, ADMIN_OPENRC]
}

/** The command line run on the node: with the credentials file sourced first when there is one. */
export function commandLine(command: string, adminFile: string | null): string {
  return adminFile ? `. ${adminFile} >/dev/null; ${command}` : command
}

/** The node a check or step names: a node of that name, else the first node with that role. */
export function resolveNode(state: LabState, ref: string): string {
  const nodes = state.definition.nodes
  const found = nodes.find((n) => n.name === ref) ?? nodes.find((n) => n.role === ref)
  if (!found || !state.nodes[found.name])
    throw new CannotCheck(`lab ${state.definition.name} has no node or role "${ref}"`)
  return found.name
}

/**
 * SSH connections to a lab's nodes for one call or job, opened on first use and closed together; the admin
 * credentials file found on each node is remembered too.
 */
export class NodeLinks {
  private readonly clients = new Map<string, Client>()
  private readonly admin = new Map<string, string>()

  constructor(
    private readonly files: LabFiles,
    private readonly state: LabState,
    private readonly signal?: AbortSignal,
  ) {}

  async client(node: string): Promise<Client> {
    const have = this.clients.get(node)
    if (have) return have
    try {
      const c = await connectNode(this.files, this.state, node, this.signal ? { signal: this.signal } : {})
      c.on('error', () => {}) // a connection dropped later fails the command that uses it
      this.clients.set(node, c)
      return c
    } catch (error) {
      if (this.signal?.aborted) throw new Cancelled()
      throw new CannotCheck(`could not reach ${node} over SSH: ${maskGuest((error as Error).message)}`)
    }
  }

  /** The admin credentials file on the node (and its password registered for masking), or CannotCheck. */
  async adminFile(node: string): Promise<string> {
    const known = this.admin.get(node)
    if (known) return known
    const client = await this.client(node)
    for (const file of adminFiles(this.state)) {
      const vars = await readAdminRc(client, file).catch((): Record<string, string> => ({}))
      if (vars['OS_PASSWORD']) {
        this.admin.set(node, file)
        return file
      }
    }
    throw new CannotCheck(
      `${node} has no OpenStack admin credentials (looked for ${adminFiles(this.state).join(' and ')}): is OpenStack installed?`,
    )
  }

  /** Run one command on a node (credentials first with `admin`), within `timeoutMs`. */
  async exec(
    node: string,
    command: string,
    admin: boolean,
    timeoutMs: number,
  ): Promise<ExecResult & { timedOut: boolean }> {
    const client = await this.client(node)
    const line = commandLine(command, admin ? await this.adminFile(node) : null)
    let timer: NodeJS.Timeout | undefined
    const onAbort = () => client.end()
    this.signal?.addEventListener('abort', onAbort)
    try {
      const timedOut = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs)
      })
      const result = await Promise.race([sshExec(client, line), timedOut]).catch((error: unknown) => {
        if (this.signal?.aborted) throw new Cancelled()
        throw new CannotCheck(`lost the SSH connection to ${node}: ${maskGuest((error as Error).message)}`)
      })
      if (this.signal?.aborted) throw new Cancelled()
      if (result) return { ...result, timedOut: false }
      // The command is still running there: this connection is dropped so it does not hang on.
      client.end()
      this.clients.delete(node)
      return { code: null, stdout: '', stderr: '', timedOut: true }
    } finally {
      clearTimeout(timer)
      this.signal?.removeEventListener('abort', onAbort)
    }
  }

  close(): void {
    for (const c of this.clients.values()) c.end()
    this.clients.clear()
  }
}

/**
 * One check, tried again while it does not hold but is on its way (see onItsWay) for up to its `waitSeconds`;
 * `wait: false` tries once (a task whose earlier check is not yet has nothing to wait for).
 */
export async function runCheck(
  links: NodeLinks,
  state: LabState,
  check: Check,
  signal?: AbortSignal,
  wait = true,
): Promise<Pick<TaskResult, 'verdict' | 'findings' | 'problem'>> {
  const end = Date.now() + (wait ? check.waitSeconds : 0) * 1000
  for (;;) {
    let result: Pick<TaskResult, 'verdict' | 'findings' | 'problem'>
    let worthWaiting = false
    try {
      const node = resolveNode(state, check.node)
      const r = await links.exec(node, check.run, check.admin, CHECK_TIMEOUT_MS)
      const e = r.timedOut
        ? {
            verdict: 'not-yet' as const,
            findings: [
              {
                ok: false,
                says: check.expect[0]!.missing,
                seen: `the check did not finish within ${CHECK_TIMEOUT_MS / 1000} s`,
              },
            ],
          }
        : evaluateCheck(r, check.expect)
      worthWaiting = !r.timedOut && onItsWay(r, check.waitWhile)
      // What was seen came from the guest: its own passwords are masked.
      result = { ...e, findings: e.findings.map((f) => ({ ...f, seen: maskGuest(f.seen) })), problem: null }
    } catch (error) {
      if (error instanceof CannotCheck)
        return { verdict: 'could-not-check', findings: [], problem: error.message }
      throw error
    }
    if (result.verdict === 'passed' || !worthWaiting || Date.now() >= end || signal?.aborted) return result
    await pause(Math.min(RETRY_MS, Math.max(0, end - Date.now())), signal)
  }
}

/** Run steps in order; the first command that fails stops them, with its output in the error. */
export async function runSteps(
  links: NodeLinks,
  state: LabState,
  steps: readonly Step[],
  progress?: (text: string) => Promise<void>,
): Promise<void> {
  for (const step of steps) {
    const node = resolveNode(state, step.node)
    for (const command of step.run) {
      await progress?.(`${node}: ${command}`)
      const r = await links.exec(node, command, step.admin, STEP_TIMEOUT_MS)
      if (r.timedOut)
        throw new Error(`"${command}" on ${node} did not finish within ${STEP_TIMEOUT_MS / 60_000} minutes`)
      if (r.code !== 0) {
        const line = lastMeaningfulLine(r)
        throw new Error(
          maskGuest(
            `"${command}" on ${node} failed (${r.code === null ? 'ended by a signal' : `exit status ${r.code}`})${line ? `: ${line}` : ''}`,
          ),
        )
      }
    }
  }
}
