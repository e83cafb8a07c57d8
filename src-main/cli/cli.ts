// `stacklab` commands: the engine from a terminal, for headless labs and scripts.
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'
import { Engine, VERSION } from '../engine/engine'
import { ApiError } from '../../src-shared/errors'
import type { PreflightCheck, PreflightReport } from '../../src-shared/preflight'
import { startBrowserHost } from '../server/server'
import { open, readFile } from 'node:fs/promises'
import { stringify as stringifyYaml } from 'yaml'
import type { Job } from '../../src-shared/jobs'
import { defaultLab, type LabSummary } from '../../src-shared/lab'
import type { LabStatusReport } from '../../src-shared/install'
import { MAX_INPUT_BYTES } from '../../src-shared/api'
import type { PackstackReport } from '../../src-shared/packstack'
import { constants as fsConstants, createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { PackstackParser } from '../engine/packstack/parse'
import {
  MAX_LAB_FILE_BYTES,
  MAX_LAB_FILE_TEXT,
  YamlRefused,
  describeProblem,
  parseUserYaml,
} from '../../src-shared/user-yaml'
import { InputError, UsageError, parseCommand, shownArgument } from './args'
import { attachConsole } from './console'

export { UsageError }

const USAGE = `Usage: stacklab <command> [options]

Commands:
  preflight [--json] [--uri URI]   Check this host for libvirt, KVM, tools, disk and memory.
                                   Exit status: 0 ready, 1 a check failed, 2 usage error.
  serve [--port N]                 Serve the app to a browser on 127.0.0.1 (prints the URL with its token).
  lab validate FILE                Check a lab definition (YAML, at most 1 MiB): every problem by its field,
                                   and warnings. Exit status: 0 valid (warnings may be printed), 1 invalid,
                                   2 usage error or a file that cannot be read as a lab definition.
  lab create FILE                  Build the lab: networks, disks, VMs, boot, SSH, checkpoint "fresh".
  lab resume NAME                  Carry on with a lab whose creation was interrupted or failed.
  lab add-node NAME FILE           Add a node (YAML, one node as in a definition's nodes list).
  lab list [--json]                Labs and their state.
  lab delete NAME                  Remove exactly the VMs, disks, networks and files Stacklab made for it.
  lab default [NAME]               Print the seeds' default lab definition as YAML, to edit.
  install LAB [--retry] [--answers FILE]
                                   Install OpenStack with packstack (detached on the controller: it goes on
                                   if this command stops; run it again to reattach). --retry restores the
                                   "pre-install" checkpoint first. --answers uses FILE as the answer file.
  answers LAB                      Print the lab's packstack answer file (generated on first use).
  status LAB [--json]              OpenStack services per node, the Horizon URL and what is wrong.
  packstack explain LOGFILE [--json]
                                   Read packstack's output (a console capture; - reads standard input, at
                                   most 100 MiB): outcome, failing step, manifest and host, error lines,
                                   log files, known causes with fixes. Exit status: 0 success, 1 failed or
                                   incomplete, 2 usage error, unreadable, binary or too big input, or no
                                   packstack output found in it.
  console LAB NODE [--serial]      Attach this terminal to a node's SSH shell (or its serial console:
                                   Ctrl-] detaches). Exit status: the shell's.

Options:
  -h, --help      Show this help.
  -v, --version   Show the version.
`

const out = (text: string) => process.stdout.write(text)
const err = (text: string) => process.stderr.write(text)

const color = process.stdout.isTTY && !process.env['NO_COLOR']
const paint = (code: string, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text)
const MARK: Record<PreflightCheck['status'], string> = {
  ok: paint('32', 'ok  '),
  warn: paint('33', 'warn'),
  fail: paint('31', 'FAIL'),
}

export function formatCheck(check: PreflightCheck): string {
  const lines = [`[${MARK[check.status]}] ${check.title}: ${check.summary}`]
  for (const e of check.evidence) lines.push(`         ${paint('2', e)}`)
  if (check.fix) lines.push(`         fix: ${check.fix}`)
  if (check.hint) lines.push(`         hint: ${check.hint}`)
  return lines.join('\n') + '\n'
}

export function formatSummary(report: PreflightReport): string {
  const { ok, warn, fail } = report.counts
  const verdict = report.ready
    ? `Ready: labs on this host will run with ${report.virtType === 'kvm' ? 'KVM acceleration' : 'QEMU software emulation (slow but working)'}.`
    : 'Not ready: fix the failed checks above, then run `stacklab preflight` again.'
  return `\n${ok} ok, ${warn} warnings, ${fail} failed (${report.uri})\n${verdict}\n`
}

async function preflight(args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    name: 'preflight',
    options: { json: { type: 'boolean', default: false }, uri: { type: 'string' } },
  })
  const engine = new Engine({ host: 'cli' })
  if (!values.json) {
    engine.on('preflight.started', (e) => out(`Checking ${e.uri} ...\n`))
    engine.on('preflight.check', (e) => out(formatCheck(e.check)))
  }
  const report = (await engine.call(
    'preflight.run',
    values.uri ? { uri: values.uri } : {},
  )) as PreflightReport
  out(values.json ? JSON.stringify(report, null, 2) + '\n' : formatSummary(report))
  return report.ready ? 0 : 1
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    name: 'serve',
    options: { port: { type: 'string', default: '0' }, json: { type: 'boolean', default: false } },
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0-65535, not ${values.port}`)
  const rendererDir = resolve(dirname(fileURLToPath(import.meta.url)), '../renderer')
  if (!existsSync(resolve(rendererDir, 'index.html'))) {
    err(`The app is not built (${rendererDir} is missing): run \`npm run build\` first.\n`)
    return 1
  }
  const engine = new Engine({ host: 'browser' })
  const host = await startBrowserHost({ engine, rendererDir, port })
  void engine.libvirt() // keep the picture of libvirt live for the page
  out(
    values.json
      ? JSON.stringify({ url: host.url, port: host.port }) + '\n'
      : `Stacklab is running. Open this address in a browser on this machine:\n\n  ${host.url}\n\nPress Ctrl-C to stop.\n`,
  )
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await host.close()
  await engine.close()
  return 0
}

/**
 * A lab file (or node file) as data: its size checked before it is read (at most 1 MiB), then parsed as
 * plain YAML (src-shared/user-yaml.ts refuses merge keys, anchors and aliases, tags, several documents).
 */
async function readYaml(file: string): Promise<unknown> {
  const cannot = (e: NodeJS.ErrnoException) =>
    new InputError(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`)
  // Non-blocking, so a FIFO (or a device) is found not to be a file instead of waiting for a writer.
  const handle = await open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK).catch(
    (e: NodeJS.ErrnoException) => {
      throw cannot(e)
    },
  )
  let text: string
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw new InputError(`cannot read ${file}: not a file`)
    if (info.size > MAX_LAB_FILE_BYTES)
      throw new ApiError({
        code: 'bad-request',
        message: `${file} is ${info.size} bytes; a lab file may be at most ${MAX_LAB_FILE_TEXT} (${MAX_LAB_FILE_BYTES} bytes): it was not read`,
      })
    // Read at most one byte past the limit: a file that grew since stat is still refused, not read whole.
    const buffer = Buffer.alloc(MAX_LAB_FILE_BYTES + 1)
    let length = 0
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (!bytesRead) break
      length += bytesRead
    }
    if (length > MAX_LAB_FILE_BYTES)
      throw new ApiError({
        code: 'bad-request',
        message: `${file} is more than ${MAX_LAB_FILE_TEXT}; a lab file may be at most ${MAX_LAB_FILE_TEXT}`,
      })
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_ENCODING_INVALID_ENCODED_DATA')
      throw new ApiError({ code: 'bad-request', message: `${file} is not UTF-8 text, so not a lab file` })
    if (error instanceof InputError || error instanceof ApiError) throw error
    throw cannot(error as NodeJS.ErrnoException)
  } finally {
    await handle.close()
  }
  try {
    return parseUserYaml(text)
  } catch (error) {
    if (!(error instanceof YamlRefused)) throw error
    const [only] = error.problems
    if (error.problems.length === 1 && only?.path === '(file)')
      throw new ApiError({ code: 'bad-request', message: `${file}: ${describeProblem(only)}` })
    throw new ApiError({
      code: 'bad-request',
      message: `${file} cannot be read as a lab definition:`,
      issues: error.problems.map((p) => ({
        path: `${p.path}${p.line ? ` (line ${p.line})` : ''}`,
        message: p.message,
      })),
    })
  }
}

/** Text that came from a file, as the terminal shows it: no control characters (no escape sequences). */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?')
}

/** At most this many problems are printed; the rest are counted. */
const MAX_PRINTED = 100

function printIssues(prefix: string, issues: { path: string; message: string }[], write = err): void {
  for (const i of issues.slice(0, MAX_PRINTED))
    write(`${prefix}${printable(i.path.slice(0, 200))}: ${printable(i.message)}\n`)
  if (issues.length > MAX_PRINTED) write(`${prefix}... and ${issues.length - MAX_PRINTED} more\n`)
}

/** Follow a job on the terminal until it ends; Ctrl-C cancels it (and waits for the rollback). */
async function follow(engine: Engine, first: Job): Promise<number> {
  const shown = new Map<string, string>()
  const print = (job: Job) => {
    for (const s of job.steps) {
      const key = `${s.state}|${s.detail}`
      if (shown.get(s.id) === key || s.state === 'pending') continue
      shown.set(s.id, key)
      const mark = { running: '..', done: 'ok', skipped: '--', failed: '!!', pending: '  ' }[s.state]
      out(`[${mark}] ${s.title}${s.detail ? `: ${s.detail}` : ''}\n`)
    }
  }
  return new Promise<number>((resolveDone) => {
    let cancelling = false
    const onSigint = () => {
      if (cancelling) return
      cancelling = true
      out('Cancelling: rolling back what this run made...\n')
      void engine.call('job.cancel', { id: first.id })
    }
    process.on('SIGINT', onSigint)
    engine.on('job.updated', (job) => {
      if (job.id !== first.id) return
      print(job)
      if (job.state === 'running') return
      process.off('SIGINT', onSigint)
      if (job.state === 'succeeded') {
        out(
          `${job.title}: done in ${Math.round((Date.parse(job.finishedAt!) - Date.parse(job.startedAt)) / 1000)} s\n`,
        )
      } else {
        err(`${job.title}: ${job.state}${job.error ? `: ${job.error.message}` : ''}\n`)
        if (job.error?.fix) err(`fix: ${job.error.fix}\n`)
      }
      resolveDone(job.state === 'succeeded' ? 0 : job.state === 'cancelled' ? 130 : 1)
    })
    print(first)
  })
}

/** `lab` subcommands: their arguments and options (nothing else is accepted). */
const LAB_COMMANDS = {
  validate: { name: 'lab validate', positionals: ['FILE'] },
  create: { name: 'lab create', positionals: ['FILE'] },
  resume: { name: 'lab resume', positionals: ['NAME'] },
  'add-node': { name: 'lab add-node', positionals: ['NAME', 'FILE'] },
  list: { name: 'lab list', options: { json: { type: 'boolean', default: false } } },
  delete: { name: 'lab delete', positionals: ['NAME'] },
  default: { name: 'lab default', positionals: ['[NAME]'] },
} as const

interface Verdict {
  ok: boolean
  issues: { path: string; message: string }[]
  warnings?: { path: string; message: string }[]
}

async function lab(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (!sub || !Object.hasOwn(LAB_COMMANDS, sub))
    throw new UsageError(sub ? `unknown lab command ${shownArgument(sub)}` : 'lab needs a command')
  const command = sub as keyof typeof LAB_COMMANDS
  const { values, positionals } = parseCommand(rest, LAB_COMMANDS[command])
  const [first, second] = positionals as [string, string]
  if (command === 'default') {
    out(stringifyYaml(defaultLab(first ?? 'lab1')))
    return 0
  }
  const engine = new Engine({ host: 'cli' })
  try {
    switch (command) {
      case 'validate': {
        const definition = await readYaml(first)
        const result = (await engine.call('lab.validate', { definition })) as Verdict
        const shown = printable(first)
        printIssues(`${shown}: `, result.issues)
        printIssues(`${shown}: warning: `, result.warnings ?? [])
        if (result.ok) {
          const n = result.warnings?.length ?? 0
          out(`${shown}: valid${n ? ` (${n} warning${n > 1 ? 's' : ''})` : ''}\n`)
        }
        return result.ok ? 0 : 1
      }
      case 'create':
        return await follow(
          engine,
          (await engine.call('lab.create', { definition: await readYaml(first) })) as Job,
        )
      case 'resume':
        return await follow(engine, (await engine.call('lab.resume', { name: first })) as Job)
      case 'add-node':
        return await follow(
          engine,
          (await engine.call('lab.addNode', { name: first, node: await readYaml(second) })) as Job,
        )
      case 'delete':
        return await follow(engine, (await engine.call('lab.delete', { name: first })) as Job)
      case 'list': {
        const labs = (await engine.call('labs.list', {})) as LabSummary[]
        if (values.json) out(JSON.stringify(labs, null, 2) + '\n')
        else if (!labs.length)
          out('No labs yet. Start with: stacklab lab default > lab.yaml && stacklab lab create lab.yaml\n')
        else
          for (const l of labs)
            out(
              `${l.name}  ${l.status}  ${l.preset}/${l.release}  ${l.nodes.map((n) => `${n.name}@${n.address}`).join(' ')}\n`,
            )
        return 0
      }
    }
  } finally {
    await engine.close()
  }
}

/** Human summary of a packstack report (what `packstack explain` prints without --json). */
export function formatPackstackReport(r: PackstackReport): string {
  const out: string[] = []
  const verdict = {
    success: paint('32', 'success'),
    failed: paint('31', 'FAILED'),
    incomplete: paint('33', 'incomplete'),
  }
  out.push(`Outcome: ${verdict[r.outcome]}`)
  const done = r.steps.filter((s) => s.status === 'done').length
  out.push(`Steps: ${done} done of ${r.steps.length}`)
  if (r.failure) {
    if (r.failure.step) out.push(`Failed step: ${r.failure.step}`)
    if (r.failure.manifest) out.push(`Failed manifest: ${r.failure.manifest}`)
    if (r.failure.host) out.push(`Host: ${r.failure.host}`)
  }
  if (r.waitingFor.length) out.push(`Still applying: ${r.waitingFor.join(', ')}`)
  if (r.errorLines.length) {
    out.push('Error:')
    for (const l of r.errorLines) out.push(`  ${l}`)
  }
  if (r.logFile) out.push(`Log file: ${r.logFile}`)
  for (const l of r.manifestLogs) out.push(`Manifest log: ${l}`)
  if (r.horizonUrl) out.push(`Dashboard: ${r.horizonUrl}`)
  for (const h of r.hints) {
    const mark = { error: paint('31', 'cause'), warn: paint('33', 'warn'), info: paint('2', 'note') }[
      h.severity
    ]
    out.push(`[${mark}] ${h.message}`, `        fix: ${h.fix}`, `        seen: ${paint('2', h.evidence)}`)
  }
  return out.join('\n') + '\n'
}

/** The most `packstack explain` reads: far more than any console capture or openstack-setup.log. */
const EXPLAIN_LIMIT_BYTES = 100 * 1024 * 1024
const EXPLAIN_LIMIT_TEXT = '100 MiB'
/** How much of the input is looked at for text that is not UTF-8. */
const SAMPLE_BYTES = 64 * 1024

/**
 * Is the input text at all? A NUL byte anywhere, or more than 5% of the first 64 KiB not UTF-8, says it is a
 * binary file (a core dump, an image, a compressed log), not packstack's output.
 */
class TextCheck {
  private readonly decoder = new TextDecoder('utf-8')
  private sampled = 0
  private chars = 0
  private invalid = 0
  constructor(private readonly name: string) {}
  feed(chunk: Buffer): void {
    if (chunk.includes(0)) throw this.binary()
    if (this.sampled >= SAMPLE_BYTES) return
    const part = chunk.subarray(0, SAMPLE_BYTES - this.sampled)
    this.sampled += part.length
    this.count(this.decoder.decode(part, { stream: this.sampled < SAMPLE_BYTES }))
  }
  end(): void {
    if (this.sampled < SAMPLE_BYTES) this.count(this.decoder.decode())
    if (this.chars && this.invalid / this.chars > 0.05) throw this.binary()
  }
  private count(text: string): void {
    this.chars += text.length
    for (const c of text) if (c === '\ufffd') this.invalid++
  }
  private binary(): InputError {
    return new InputError(`${this.name}: binary input, not packstack output`)
  }
}

/**
 * Read packstack output from a file or standard input (`-`): refused when it is over the limit or binary;
 * through the engine when it fits a call, streamed through the same parser here when it does not.
 */
async function explainInput(engine: Engine, source: string): Promise<PackstackReport> {
  const name = source === '-' ? 'standard input' : source
  const tooBig = () =>
    new InputError(
      `${name} is more than ${EXPLAIN_LIMIT_TEXT}; packstack explain reads at most ${EXPLAIN_LIMIT_TEXT} (${EXPLAIN_LIMIT_BYTES} bytes)`,
    )
  let stream: Readable
  if (source === '-') stream = process.stdin
  else {
    const size = await stat(source).then(
      (s) => {
        if (!s.isFile()) throw new InputError(`cannot read ${source}: not a file`)
        return s.size
      },
      (e: NodeJS.ErrnoException) => {
        throw new InputError(`cannot read ${source}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`)
      },
    )
    if (size > EXPLAIN_LIMIT_BYTES) throw tooBig()
    stream = createReadStream(source)
  }
  const check = new TextCheck(name)
  const head: Buffer[] = []
  let total = 0
  let parser: PackstackParser | null = null
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer
      total += buffer.length
      if (total > EXPLAIN_LIMIT_BYTES) throw tooBig()
      check.feed(buffer)
      if (parser) parser.feed(buffer)
      else if (total <= MAX_INPUT_BYTES / 4) head.push(buffer)
      else {
        // A long capture (or a whole openstack-setup.log) is more than a call carries: parse it here.
        parser = new PackstackParser()
        for (const h of [...head, buffer]) parser.feed(h)
        head.length = 0
      }
    }
  } catch (error) {
    if (error instanceof InputError || error instanceof UsageError) throw error
    throw new InputError(`cannot read ${name}: ${(error as Error).message}`)
  } finally {
    stream.destroy()
  }
  check.end()
  if (parser) return parser.end()
  const text = Buffer.concat(head).toString('utf8')
  // Control characters (a terminal capture's colours) grow sixfold as JSON: parse here what a call cannot carry.
  if (Buffer.byteLength(JSON.stringify({ text })) > MAX_INPUT_BYTES) {
    const local = new PackstackParser()
    local.feed(text)
    return local.end()
  }
  return (await engine.call('packstack.explain', { text })) as PackstackReport
}

/** Did the input hold any packstack output at all? (An empty report: nothing of packstack's was seen.) */
export function foundPackstackOutput(r: PackstackReport): boolean {
  return (
    r.outcome !== 'incomplete' ||
    r.steps.length > 0 ||
    r.failure !== null ||
    r.errorLines.length > 0 ||
    r.logFile !== null ||
    r.manifestLogs.length > 0 ||
    r.manifestsDir !== null ||
    r.answerFile !== null ||
    r.additionalInfo.length > 0 ||
    r.horizonUrl !== null ||
    r.waitingFor.length > 0 ||
    r.prompts.length > 0 ||
    r.hints.length > 0
  )
}

const PACKSTACK_EXPLAIN = {
  name: 'packstack explain',
  positionals: ['LOGFILE'],
  options: { json: { type: 'boolean', default: false } },
} as const

async function packstack(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (sub !== 'explain')
    throw new UsageError(
      sub ? `unknown packstack command ${shownArgument(sub)}` : 'packstack needs a command',
    )
  const { values, positionals } = parseCommand(rest, PACKSTACK_EXPLAIN)
  const engine = new Engine({ host: 'cli' })
  try {
    const report = await explainInput(engine, positionals[0]!)
    if (!foundPackstackOutput(report))
      throw new InputError(
        `no packstack output found in ${positionals[0] === '-' ? 'standard input' : positionals[0]}`,
      )
    out(values.json ? JSON.stringify(report, null, 2) + '\n' : formatPackstackReport(report))
    return report.outcome === 'success' ? 0 : 1
  } finally {
    await engine.close()
  }
}

async function install(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    name: 'install',
    positionals: ['LAB'],
    options: { retry: { type: 'boolean', default: false }, answers: { type: 'string' } },
  })
  const name = positionals[0]!
  const engine = new Engine({ host: 'cli' })
  try {
    if (values.answers) {
      const file = values.answers
      const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
        throw new InputError(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`)
      })
      await engine.call('lab.answers.save', { name, text })
    }
    return await follow(engine, (await engine.call('lab.install', { name, retry: values.retry })) as Job)
  } finally {
    await engine.close()
  }
}

async function answers(args: string[]): Promise<number> {
  const name = parseCommand(args, { name: 'answers', positionals: ['LAB'] }).positionals[0]!
  const engine = new Engine({ host: 'cli' })
  try {
    out(((await engine.call('lab.answers', { name })) as { text: string }).text)
    return 0
  } finally {
    await engine.close()
  }
}

async function status(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    name: 'status',
    positionals: ['LAB'],
    options: { json: { type: 'boolean', default: false } },
  })
  const name = positionals[0]!
  const engine = new Engine({ host: 'cli' })
  try {
    const report = (await engine.call('lab.status', { name })) as LabStatusReport
    if (values.json) {
      out(JSON.stringify(report, null, 2) + '\n')
    } else {
      for (const n of report.nodes) {
        const down = n.services.filter((s) => !s.ok)
        out(
          `${n.name.padEnd(12)} ${n.health.padEnd(9)} vm ${n.vmState}, ${n.reachable ? 'ssh ok' : 'no ssh'}, ` +
            `${n.services.length - down.length}/${n.services.length} services active` +
            (down.length ? ` (down: ${down.map((s) => `${s.name} ${s.state}`).join(', ')})` : '') +
            '\n',
        )
      }
      for (const s of report.services)
        out(`  ${s.kind.padEnd(8)} ${s.binary.padEnd(28)} ${s.host.padEnd(24)} ${s.state}\n`)
      if (report.horizon)
        out(
          `Horizon: ${report.horizon.url} (user ${report.horizon.username}; password in keystonerc_admin on the controller)\n`,
        )
      else out('OpenStack is not installed yet: stacklab install ' + name + '\n')
      for (const p of report.problems) err(`problem: ${p}\n`)
    }
    return report.problems.length ? 1 : 0
  } finally {
    await engine.close()
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'preflight':
        return await preflight(rest)
      case 'serve':
        return await serve(rest)
      case 'lab':
        return await lab(rest)
      case 'install':
        return await install(rest)
      case 'answers':
        return await answers(rest)
      case 'status':
        return await status(rest)
      case 'packstack':
        return await packstack(rest)
      case 'console':
        return await attachConsole(rest)
      case '-v':
      case '--version':
        parseCommand(rest, { name: command })
        out(`stacklab ${VERSION}\n`)
        return 0
      case undefined:
        out(USAGE)
        return 2
      case '-h':
      case '--help':
      case 'help':
        parseCommand(rest, { name: command })
        out(USAGE)
        return 0
      default:
        throw new UsageError(`unknown command ${shownArgument(command)}`)
    }
  } catch (error) {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`stacklab: ${printable((error as Error).message)}\n\n${USAGE}`)
      return 2
    }
    if (error instanceof InputError) {
      err(`stacklab: ${printable(error.message)}\n`)
      return 2
    }
    if (error instanceof ApiError) {
      err(`stacklab: ${printable(error.message)}\n`)
      printIssues('  ', error.issues ?? [])
      return error.code === 'bad-request' ? 2 : 1
    }
    err(`stacklab: ${printable((error as Error).message ?? String(error))}\n`)
    return 1
  }
}
