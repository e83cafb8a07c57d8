// OpenStack on a lab with packstack, as a job: connect, repositories and packstack, answer file, check it
// against the lab, checkpoint "pre-install", run packstack, read the status. packstack runs DETACHED on the
// controller (its own session, output to a log file, exit status to a file), so it survives a dropped SSH
// connection or a closed app; Stacklab follows the log by byte offset and reattaches where it left off,
// replaying the log from the start when a new engine picks a run up, so no line is ever lost. "Retry"
// restores the pre-install checkpoint and runs again with the same answer file.
import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import type { Client } from 'ssh2'
import { ApiError } from '../../../src-shared/errors'
import {
  INSTALL_STEPS,
  PRE_INSTALL_CHECKPOINT,
  type InstallRun,
  type InstallState,
} from '../../../src-shared/install'
import type { Job } from '../../../src-shared/jobs'
import { nodeAddress, type LabState } from '../../../src-shared/lab'
import type { PackstackReport } from '../../../src-shared/packstack'
import { Cancelled, type JobHandle, type JobRunner } from '../jobs'
import { checkpointCreate, checkpointList, checkpointRestore } from '../libvirt/checkpoint'
import { maskGuest, registerSecret } from '../secrets'
import { sshExec } from '../ssh/client'
import { presetOf, type LabEnv } from '../lab/env'
import { domainName } from '../lab/provision-node'
import { PackstackParser } from '../packstack/parse'
import { checkAnswers } from '../packstack/check'
import { readAnswerText, updateAnswerText } from '../packstack/answers'
import type { LabFiles } from '../lab/files'
import { connectNode, controllerOf, nodeHostKeyLine } from '../lab/node-ssh'
import { labStatus } from './status'

/** On the controller. */
const REMOTE_ANSWERS = '/root/stacklab-answers.txt'
const REMOTE_LOG_DIR = '/var/log/stacklab'
/** How much of the log `log()` hands back as text (the report covers all of it). */
const LOG_TAIL_BYTES = 256 * 1024

export interface InstallDeps {
  env: () => Promise<LabEnv>
  jobs: JobRunner
  /** The lab service's one-job-per-lab lock. */
  claim: (name: string, state: LabState, work: () => Promise<void>) => void
  busy: (name: string, state: LabState) => void
  get: (name: string) => Promise<LabState>
}

export function installState(state: LabState): InstallState {
  return state.install ?? { answersSaved: false, runs: [] }
}

/** One remote command; a non-zero exit is an error carrying its output. */
async function remote(client: Client, command: string, stdin?: string): Promise<string> {
  const r = await sshExec(client, command, stdin !== undefined ? { stdin } : {})
  if (r.code !== 0)
    throw new Error(
      `${command.split(' ')[0]} failed (exit ${r.code}): ${maskGuest((r.stderr || r.stdout).trim().slice(-600))}`,
    )
  return r.stdout
}

/** The commands that bring packstack for a release onto a fresh node of each OS family. */
export function packstackSetupCommands(osFamily: string, release: string, eol: boolean): string[] {
  const vault =
    "sed -i -e 's/^mirrorlist=/#mirrorlist=/' -e 's|^#\\s*baseurl=http://mirror.centos.org|baseurl=http://vault.centos.org|' /etc/yum.repos.d/CentOS-*.repo"
  switch (osFamily) {
    case 'rhel7':
      return [
        ...(eol ? [vault] : []),
        `yum install -y centos-release-openstack-${release}`,
        ...(eol ? [vault] : []),
        'yum install -y openstack-packstack',
      ]
    case 'rhel8':
      return [
        ...(eol ? [vault] : []),
        'dnf config-manager --enable powertools',
        `dnf install -y centos-release-openstack-${release}`,
        ...(eol ? [vault] : []),
        'dnf install -y openstack-packstack',
      ]
    case 'rhel9':
      return [
        'dnf config-manager --enable crb',
        `dnf install -y centos-release-openstack-${release}`,
        'dnf install -y openstack-packstack',
      ]
    default:
      return []
  }
}

/** The answer file's lab-derived values: hosts by role, no demo, the lab's admin password. */
export function labAnswerFields(state: LabState, adminPassword: string) {
  const nodes = state.definition.nodes
  const ip = (role: string) => nodes.filter((n) => n.role === role).map(nodeAddress)
  const controller = ip('controller')[0]!
  const compute = ip('compute')
  const network = ip('network')
  return {
    adminPassword,
    provisionDemo: false,
    controllerHost: controller,
    computeHosts: compute.length ? compute : [controller],
    networkHosts: network.length ? network : [controller],
    // packstack picks the hypervisor itself (qemu without hardware virtualisation); say it outright.
    novaVirtType: state.virtType,
  }
}

export class InstallService {
  constructor(private readonly deps: InstallDeps) {}

  /** The lab's answer file: the one saved, or a new one generated on the controller with the lab's values. */
  async answers(name: string): Promise<{ text: string; generated: boolean }> {
    const env = await this.deps.env()
    const state = await this.deps.get(name)
    try {
      return { text: await readFile(env.store.files(name).answers, 'utf8'), generated: false }
    } catch {
      const client = await connectNode(env.store.files(name), state, controllerOf(state).name)
      try {
        return { text: await this.generate(env, state, client), generated: true }
      } finally {
        client.end()
      }
    }
  }

  /** Keep the user's answer file for the next install (0600: it holds every service password). */
  async saveAnswers(name: string, text: string): Promise<void> {
    const env = await this.deps.env()
    const state = await this.deps.get(name)
    readAnswerText(text) // refuses a file that is not an answer file, before anything is written
    const files = env.store.files(name)
    await mkdir(files.packstackDir, { recursive: true, mode: 0o700 })
    await writeFile(files.answers, text, { mode: 0o600 })
    state.install = { ...installState(state), answersSaved: true }
    await env.store.save(state)
  }

  private async generate(env: LabEnv, state: LabState, controller: Client): Promise<string> {
    await remote(controller, `rm -f ${REMOTE_ANSWERS} && packstack --gen-answer-file=${REMOTE_ANSWERS}`)
    const generated = await remote(controller, `cat ${REMOTE_ANSWERS}`)
    const password = randomBytes(12).toString('base64url')
    registerSecret(password)
    const text = updateAnswerText(generated, labAnswerFields(state, password))
    const files = env.store.files(state.definition.name)
    await mkdir(files.packstackDir, { recursive: true, mode: 0o700 })
    await writeFile(files.answers, text, { mode: 0o600 })
    return text
  }

  /** Install (or, with `retry`, restore the pre-install checkpoint and install again). */
  async install(name: string, options: { retry?: boolean } = {}): Promise<Job> {
    const env = await this.deps.env()
    const state = await this.deps.get(name)
    this.deps.busy(name, state)
    if (state.status !== 'ready')
      throw new ApiError({
        code: 'invalid-state',
        message: `lab ${name} is ${state.status}: install on a ready lab`,
      })
    const last = installState(state).runs.at(-1)
    const domains = state.definition.nodes.map((n) => domainName(state.definition, n))
    if (options.retry) {
      const present = await checkpointList(env.virsh, domains)
      if (!present.some((c) => c.name === PRE_INSTALL_CHECKPOINT))
        throw new ApiError({
          code: 'invalid-state',
          message: `lab ${name} has no "${PRE_INSTALL_CHECKPOINT}" checkpoint to go back to; run an install first`,
        })
    }
    const reattach = !options.retry && last?.outcome === 'running'
    const steps = options.retry
      ? [
          { id: 'restore', title: `Restore checkpoint "${PRE_INSTALL_CHECKPOINT}"` },
          ...INSTALL_STEPS.filter((s) => s.id !== 'checkpoint'),
        ]
      : reattach
        ? INSTALL_STEPS.filter((s) => s.id === 'connect' || s.id === 'run' || s.id === 'status')
        : [...INSTALL_STEPS]
    const title = options.retry
      ? `Retry the OpenStack install on ${name}`
      : reattach
        ? `Reattach to packstack on ${name}`
        : `Install OpenStack on ${name}`
    const job = this.deps.jobs.create(options.retry ? 'lab.retry' : 'lab.install', name, title, steps)
    this.deps.claim(name, state, () =>
      this.execute(env, state, job, domains, { retry: !!options.retry, reattach }),
    )
    return structuredClone(job.job)
  }

  private async execute(
    env: LabEnv,
    state: LabState,
    job: JobHandle,
    domains: string[],
    options: { retry: boolean; reattach: boolean },
  ): Promise<void> {
    const name = state.definition.name
    const files = env.store.files(name)
    const ctrlName = controllerOf(state).name
    let controller: Client | null = null
    const step = async (id: string, work: () => Promise<string | void>) => {
      if (!job.job.steps.some((s) => s.id === id)) return
      await job.start(id)
      const detail = await work()
      await job.finish(id, 'done', detail ?? undefined)
    }
    try {
      await step('restore', async () => {
        await checkpointRestore(env.virsh, domains, PRE_INSTALL_CHECKPOINT)
        return `every node is back at "${PRE_INSTALL_CHECKPOINT}"`
      })
      await step('connect', async () => {
        const clients = await Promise.all(
          state.definition.nodes.map((n) =>
            connectNode(files, state, n.name, { signal: job.signal, waitMs: 5 * 60_000 }),
          ),
        )
        controller = clients[state.definition.nodes.findIndex((n) => n.name === ctrlName)]!
        if (!options.reattach) await this.trustController(files, state, controller, clients)
        for (const c of clients) if (c !== controller) c.end()
        return `${clients.length} nodes answer SSH with their recorded host keys`
      })
      const ctrl = () => controller!
      await step('setup', async () => {
        const found = await sshExec(ctrl(), 'command -v packstack && packstack --version')
        if (found.code === 0) return `packstack is installed: ${found.stdout.trim().split('\n').pop()}`
        const preset = presetOf(state)
        const commands = packstackSetupCommands(preset.osFamily, state.definition.release, preset.eol)
        if (!commands.length) throw new Error(`No way to install packstack on ${preset.label}`)
        for (const command of commands) {
          job.throwIfCancelled()
          await job.detail('setup', command)
          await remote(ctrl(), command)
        }
        return `packstack for ${state.definition.release} installed`
      })
      let answers = ''
      await step('answers', async () => {
        try {
          answers = await readFile(files.answers, 'utf8')
          return "the lab's saved answer file"
        } catch {
          answers = await this.generate(env, state, ctrl())
          return "generated on the controller with the lab's hosts and a new admin password"
        }
      })
      await step('check', async () => {
        const problems = checkAnswers(readAnswerText(answers).fields, { definition: state.definition, state })
        const errors = problems.filter((p) => p.severity === 'error')
        if (errors.length)
          throw new InstallError(
            `The answer file does not fit the lab: ${errors.map((p) => `${p.key}: ${p.message}`).join('; ')}`,
            'Fix these keys in the answer file (Install page or the saved file), then install again',
          )
        await remote(ctrl(), `umask 077 && cat > ${REMOTE_ANSWERS}`, answers)
        const warnings = problems.filter((p) => p.severity !== 'error')
        return warnings.length
          ? `warnings: ${warnings.map((p) => `${p.key}: ${p.message}`).join('; ')}`
          : 'no problems'
      })
      await step('checkpoint', async () => {
        const present = await checkpointList(env.virsh, domains)
        if (present.some((c) => c.name === PRE_INSTALL_CHECKPOINT))
          return `kept the existing "${PRE_INSTALL_CHECKPOINT}" (it is the clean state to go back to)`
        await checkpointCreate(env.virsh, domains, PRE_INSTALL_CHECKPOINT, 'Stacklab: before packstack')
        return 'taken'
      })
      let report: PackstackReport | null = null
      await step('run', async () => {
        const run = options.reattach ? installState(state).runs.at(-1)! : await this.start(env, state, ctrl())
        controller?.end()
        controller = null
        report = await this.follow(env, state, run, job)
        if (report.outcome !== 'success') {
          const failing = report.failure
          const where = failing ? ` at "${failing.step}"${failing.host ? ` on ${failing.host}` : ''}` : ''
          const first = report.errorLines[0] ?? 'packstack stopped without finishing'
          throw new InstallError(
            `packstack ${report.outcome === 'failed' ? 'failed' : 'did not finish'}${where}: ${first}` +
              (report.logFile ? ` (log: ${report.logFile})` : ''),
            report.hints[0]?.fix ??
              `Restore the "${PRE_INSTALL_CHECKPOINT}" checkpoint and retry: stacklab install ${name} --retry`,
          )
        }
        return `finished in ${elapsed(run.startedAt)}`
      })
      await step('status', async () => {
        const status = await labStatus(env, await this.deps.get(name))
        return status.problems.length
          ? status.problems.join('; ')
          : `every node healthy; Horizon at ${status.horizon?.url}`
      })
      await job.end('succeeded')
    } catch (error) {
      const ctl = controller as Client | null
      ctl?.end()
      if (error instanceof Cancelled || job.signal.aborted) {
        await this.stopRun(env, name).catch(() => undefined)
        await job.end('cancelled')
        return
      }
      // The message may quote the nodes' output (packstack's error lines): guests' passwords are masked.
      const message = maskGuest((error as Error).message)
      const fix =
        error instanceof InstallError
          ? maskGuest(error.fix)
          : `Check the nodes answer SSH, then: stacklab install ${name}${options.retry ? ' --retry' : ''}`
      await job.end('failed', { message, fix })
    }
  }

  /** Packstack on the controller logs into every node as root: give it a key and the pinned host keys. */
  private async trustController(files: LabFiles, state: LabState, controller: Client, clients: Client[]) {
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

  /** Start packstack detached; the run is recorded before it starts and again with its process id. */
  private async start(env: LabEnv, state: LabState, controller: Client): Promise<InstallRun> {
    const id = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`
    const run: InstallRun = {
      id,
      log: `${REMOTE_LOG_DIR}/packstack-${id}.log`,
      rcFile: `${REMOTE_LOG_DIR}/packstack-${id}.rc`,
      pid: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      outcome: 'running',
      error: null,
    }
    const install = installState(state)
    state.install = { ...install, runs: [...install.runs, run] }
    await env.store.save(state)
    const out = await remote(
      controller,
      `mkdir -p ${REMOTE_LOG_DIR} && cd /root && ` +
        `(setsid nohup sh -c 'packstack --answer-file=${REMOTE_ANSWERS} > ${run.log} 2>&1; echo $? > ${run.rcFile}' ` +
        '> /dev/null 2>&1 < /dev/null & echo $!)',
    )
    run.pid = Number(out.trim())
    if (!Number.isInteger(run.pid)) throw new Error(`packstack did not start: ${out.trim()}`)
    await env.store.save(state)
    return run
  }

  /**
   * Follow a run's log until packstack ends: from byte 0 (so a reattaching engine sees every line), then on
   * every reconnect from the last byte received. Returns the parsed outcome and records it.
   */
  private async follow(
    env: LabEnv,
    state: LabState,
    run: InstallRun,
    job: JobHandle,
  ): Promise<PackstackReport> {
    const name = state.definition.name
    const files = env.store.files(name)
    const ctrl = controllerOf(state).name
    const parser = new PackstackParser()
    const local = files.runLog(run.id)
    await mkdir(files.packstackDir, { recursive: true, mode: 0o700 })
    await writeFile(local, '', { mode: 0o600 })
    let offset = 0
    let lastDetail = 0
    let reconnects = 0
    let lastStep = ''
    const take = async (chunk: Buffer) => {
      offset += chunk.length
      await appendFile(local, chunk)
      parser.feed(chunk)
      if (Date.now() - lastDetail > 500) {
        lastDetail = Date.now()
        const r = parser.report()
        const current = r.steps.at(-1)
        const stepText = current ? `${current.title} ${current.status}` : 'starting'
        const changed = stepText !== lastStep
        lastStep = stepText
        await job.detail(
          'run',
          `${elapsed(run.startedAt)} · ${stepText}` + (reconnects ? ` · reattached ${reconnects}×` : ''),
          { log: changed },
        )
      }
    }
    for (;;) {
      job.throwIfCancelled()
      let client: Client
      try {
        client = await connectNode(files, state, ctrl, { signal: job.signal, waitMs: 10 * 60_000 })
      } catch (error) {
        if (job.signal.aborted) throw new Cancelled()
        throw error
      }
      try {
        // `tail --pid` ends when the detached wrapper does; a dropped connection ends it with no exit code.
        const code = await streamRemote(
          client,
          `tail -c +${offset + 1} --pid=${run.pid} -F ${run.log} 2>/dev/null`,
          (chunk) => take(chunk),
          job.signal,
        )
        if (job.signal.aborted) throw new Cancelled()
        if (code === null) {
          reconnects++
          await job.detail('run', `connection to ${ctrl} lost; reattaching (${reconnects})`)
          continue
        }
        const rest = await streamRemote(
          client,
          `tail -c +${offset + 1} ${run.log}`,
          (c) => take(c),
          job.signal,
        )
        if (rest === null) continue
        const rc = (await sshExec(client, `cat ${run.rcFile} 2>/dev/null`)).stdout.trim()
        if (rc === '') {
          const alive = await sshExec(client, `kill -0 ${run.pid} 2>/dev/null`)
          if (alive.code === 0) continue
        }
        const report = parser.end()
        run.outcome =
          rc === ''
            ? 'incomplete'
            : rc === '0' && report.outcome === 'success'
              ? 'success'
              : report.outcome === 'success'
                ? 'failed'
                : report.outcome
        run.finishedAt = new Date().toISOString()
        run.error =
          run.outcome === 'success'
            ? null
            : maskGuest(report.errorLines[0] ?? `packstack exited with ${rc || 'no status'}`)
        await this.record(env, name, run)
        return {
          ...report,
          outcome:
            run.outcome === 'success' ? 'success' : report.outcome === 'success' ? 'failed' : report.outcome,
        }
      } catch (error) {
        if (job.signal.aborted || error instanceof Cancelled) throw new Cancelled()
        reconnects++
        await job.detail('run', `connection to ${ctrl} lost (${(error as Error).message}); reattaching`)
        await new Promise((r) => setTimeout(r, 2000))
      } finally {
        client.end()
      }
    }
  }

  private async record(env: LabEnv, name: string, run: InstallRun): Promise<void> {
    const fresh = await this.deps.get(name)
    const install = installState(fresh)
    fresh.install = { ...install, runs: install.runs.map((r) => (r.id === run.id ? run : r)) }
    await env.store.save(fresh)
  }

  /** Stop a running packstack (cancel): its whole process group on the controller. */
  private async stopRun(env: LabEnv, name: string): Promise<void> {
    const state = await this.deps.get(name)
    const run = installState(state).runs.at(-1)
    if (!run || run.outcome !== 'running' || !run.pid) return
    const client = await connectNode(env.store.files(name), state, controllerOf(state).name)
    try {
      await sshExec(client, `kill -TERM -- -${run.pid} 2>/dev/null; true`)
    } finally {
      client.end()
    }
    run.outcome = 'cancelled'
    run.finishedAt = new Date().toISOString()
    run.error = 'cancelled'
    await this.record(env, name, run)
  }

  /** The newest run's log as Stacklab received it, and what it says. */
  async log(name: string): Promise<{ run: InstallRun | null; text: string; report: PackstackReport | null }> {
    const env = await this.deps.env()
    const state = await this.deps.get(name)
    const run = installState(state).runs.at(-1) ?? null
    if (!run) return { run: null, text: '', report: null }
    // Read as a stream through the parser (lines capped, a turn of the event loop per chunk), and only the
    // tail kept as text: a long or hostile log costs its bytes once and never holds up other calls.
    const file = env.store.files(name).runLog(run.id)
    const parser = new PackstackParser()
    let tail = Buffer.alloc(0)
    try {
      for await (const chunk of createReadStream(file)) {
        parser.feed(chunk as Buffer)
        tail = Buffer.concat([tail, chunk as Buffer]).subarray(-LOG_TAIL_BYTES)
      }
    } catch {
      /* no log yet */
    }
    return { run, text: tail.toString('utf8'), report: parser.end() }
  }
}

export class InstallError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message)
    this.name = 'InstallError'
  }
}

function elapsed(since: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000))
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
}

/** Run a command and hand its stdout over as it arrives. Resolves with the exit code, or null if cut off. */
function streamRemote(
  client: Client,
  command: string,
  onData: (chunk: Buffer) => Promise<void>,
  signal: AbortSignal,
): Promise<number | null> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error)
      let queue = Promise.resolve()
      let code: number | null = null
      const onAbort = () => stream.close()
      signal.addEventListener('abort', onAbort, { once: true })
      stream.on('data', (d: Buffer) => {
        stream.pause()
        queue = queue.then(() => onData(d)).finally(() => stream.resume())
      })
      stream.stderr.resume()
      stream.on('exit', (c: number | null) => (code = typeof c === 'number' ? c : null))
      stream.on('close', () => {
        signal.removeEventListener('abort', onAbort)
        void queue.then(() => resolve(code), reject)
      })
      client.once('close', () => void queue.then(() => resolve(null), reject))
    })
  })
}
