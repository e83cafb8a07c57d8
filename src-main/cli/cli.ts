// `stacklab` commands: the engine from a terminal, for headless labs and scripts.
import { parseArgs } from 'node:util'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'
import { Engine, VERSION } from '../engine/engine'
import { ApiError } from '../../src-shared/errors'
import type { PreflightCheck, PreflightReport } from '../../src-shared/preflight'
import { startBrowserHost } from '../server/server'

const USAGE = `Usage: stacklab <command> [options]

Commands:
  preflight [--json] [--uri URI]   Check this host for libvirt, KVM, tools, disk and memory.
                                   Exit status: 0 ready, 1 a check failed, 2 usage error.
  serve [--port N]                 Serve the app to a browser on 127.0.0.1 (prints the URL with its token).

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
  return 0
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'preflight':
        return await preflight(rest)
      case 'serve':
        return await serve(rest)
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
