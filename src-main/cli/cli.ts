// `stacklab` commands: the engine from a terminal, for headless labs and scripts.
import { parseArgs } from 'node:util'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'
import { Engine, VERSION } from '../engine/engine'
import { ApiError } from '../../src-shared/errors'
import type { PreflightCheck, PreflightReport } from '../../src-shared/preflight'
import { startBrowserHost } from '../server/server'
import { readFile } from 'node:fs/promises'
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml'
import type { Job } from '../../src-shared/jobs'
import { defaultLab, type LabSummary } from '../../src-shared/lab'
import type { LabStatusReport } from '../../src-shared/install'
import { MAX_INPUT_BYTES } from '../../src-shared/api'
import type { PackstackReport } from '../../src-shared/packstack'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { PackstackParser } from '../engine/packstack/parse'
import { attachConsole } from './console'

const USAGE = `Usage: stacklab <command> [options]

Commands:
  preflight [--json] [--uri URI]   Check this host for libvirt, KVM, tools, disk and memory.
                                   Exit status: 0 ready, 1 a check failed, 2 usage error.
  serve [--port N]                 Serve the app to a browser on 127.0.0.1 (prints the URL with its token).
  lab validate FILE                Check a lab definition (YAML); exit 0 only when it is valid.
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
                                   Read packstack's output (a console capture): outcome, failing step,
                                   manifest and host, error lines, log files, known causes with fixes.
                                   Exit status: 0 success, 1 failed or incomplete, 2 usage/unreadable file.
  console LAB NODE [--serial]      Attach this terminal to a node's SSH shell (or its serial console:
                                   Ctrl-] detaches). Exit status: the shell's.

Options:
  -h, --help      Show this help.
  -v, --version   Show the version.
`

export class UsageError extends Error {}

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
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, uri: { type: 'string' } },
    strict: true,
    allowPositionals: false,
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
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string', default: '0' }, json: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: false,
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

async function readYaml(file: string | undefined): Promise<unknown> {
  if (!file) throw new UsageError('a YAML file is needed')
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`)
  })
  try {
    return parseYaml(text) as unknown
  } catch (error) {
    throw new ApiError({
      code: 'bad-request',
      message: `${file} is not valid YAML: ${(error as Error).message}`,
    })
  }
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

async function lab(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const { values, positionals } = parseArgs({
    args: rest,
    options: { json: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: true,
  })
  const engine = new Engine({ host: 'cli' })
  try {
    switch (sub) {
      case 'validate': {
        const result = (await engine.call('lab.validate', {
          definition: await readYaml(positionals[0]),
        })) as {
          ok: boolean
          issues: { path: string; message: string }[]
        }
        if (result.ok) out(`${positionals[0]}: valid\n`)
        else for (const i of result.issues) err(`${positionals[0]}: ${i.path}: ${i.message}\n`)
        return result.ok ? 0 : 1
      }
      case 'create':
        return await follow(
          engine,
          (await engine.call('lab.create', { definition: await readYaml(positionals[0]) })) as Job,
        )
      case 'resume':
        return await follow(engine, (await engine.call('lab.resume', { name: positionals[0] })) as Job)
      case 'add-node':
        return await follow(
          engine,
          (await engine.call('lab.addNode', {
            name: positionals[0],
            node: await readYaml(positionals[1]),
          })) as Job,
        )
      case 'delete':
        return await follow(engine, (await engine.call('lab.delete', { name: positionals[0] })) as Job)
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
      case 'default':
        out(stringifyYaml(defaultLab(positionals[0] ?? 'lab1')))
        return 0
      default:
        throw new UsageError(sub ? `unknown lab command '${sub}'` : 'lab needs a command')
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

/** Read a packstack output file: through the engine when it fits a call, streamed through the parser when not. */
async function explainFile(engine: Engine, file: string): Promise<PackstackReport> {
  const size = await stat(file).then(
    (s) => {
      if (!s.isFile()) throw new UsageError(`cannot read ${file}: not a file`)
      return s.size
    },
    (e: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`)
    },
  )
  if (size < MAX_INPUT_BYTES / 2) {
    const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read ${file}: ${e.message}`)
    })
    return (await engine.call('packstack.explain', { text })) as PackstackReport
  }
  // A long capture (or a whole openstack-setup.log) is bigger than a call may carry: stream it here.
  const parser = new PackstackParser()
  try {
    for await (const chunk of createReadStream(file)) parser.feed(chunk as Buffer)
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`)
  }
  return parser.end()
}

async function packstack(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const { values, positionals } = parseArgs({
    args: rest,
    options: { json: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: true,
  })
  if (sub !== 'explain')
    throw new UsageError(sub ? `unknown packstack command '${sub}'` : 'packstack needs a command')
  if (positionals.length !== 1) throw new UsageError('packstack explain needs exactly one LOGFILE')
  const engine = new Engine({ host: 'cli' })
  try {
    const report = await explainFile(engine, positionals[0]!)
    out(values.json ? JSON.stringify(report, null, 2) + '\n' : formatPackstackReport(report))
    return report.outcome === 'success' ? 0 : 1
  } finally {
    await engine.close()
  }
}

async function install(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      retry: { type: 'boolean', default: false },
      answers: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  })
  const name = positionals[0]
  if (!name) throw new UsageError('which lab?')
  const engine = new Engine({ host: 'cli' })
  try {
    if (values.answers) {
      const file = values.answers
      const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
        throw new UsageError(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`)
      })
      await engine.call('lab.answers.save', { name, text })
    }
    return await follow(engine, (await engine.call('lab.install', { name, retry: values.retry })) as Job)
  } finally {
    await engine.close()
  }
}

async function answers(args: string[]): Promise<number> {
  const name = args[0]
  if (!name || args.length > 1) throw new UsageError('answers takes one lab name')
  const engine = new Engine({ host: 'cli' })
  try {
    out(((await engine.call('lab.answers', { name })) as { text: string }).text)
    return 0
  } finally {
    await engine.close()
  }
}

async function status(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: true,
  })
  const name = positionals[0]
  if (!name) throw new UsageError('which lab?')
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
        return await attachConsole(rest, UsageError)
      case '-v':
      case '--version':
        out(`stacklab ${VERSION}\n`)
        return 0
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        out(USAGE)
        return command === undefined ? 2 : 0
      default:
        throw new UsageError(`unknown command '${command}'`)
    }
  } catch (error) {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`stacklab: ${(error as Error).message}\n\n${USAGE}`)
      return 2
    }
    if (error instanceof ApiError) {
      err(`stacklab: ${error.message}\n`)
      for (const issue of error.issues ?? []) err(`  ${issue.path}: ${issue.message}\n`)
      return error.code === 'bad-request' ? 2 : 1
    }
    err(`stacklab: ${(error as Error).message ?? String(error)}\n`)
    return 1
  }
}
