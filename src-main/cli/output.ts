// What the CLI prints: standard output and error, colours on a terminal, text from files made harmless, and
// the human forms of preflight and packstack reports, and a job followed until it ends.
import type { PreflightCheck, PreflightReport } from '../../src-shared/preflight'
import type { PackstackReport } from '../../src-shared/packstack'
import type { Job } from '../../src-shared/jobs'
import type { Engine } from '../engine/engine'

export const out = (text: string) => process.stdout.write(text)
export const err = (text: string) => process.stderr.write(text)

const color = process.stdout.isTTY && !process.env['NO_COLOR']
export const paint = (code: string, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text)
const MARK: Record<PreflightCheck['status'], string> = {
  ok: paint('32', 'ok  '),
  warn: paint('33', 'warn'),
  fail: paint('31', 'FAIL'),
  skip: paint('2', 'skip'),
}

export function formatCheck(check: PreflightCheck): string {
  const lines = [`[${MARK[check.status]}] ${check.title}: ${check.summary}`]
  for (const e of check.evidence) lines.push(`         ${paint('2', e)}`)
  if (check.fix) lines.push(`         fix: ${check.fix}`)
  if (check.hint) lines.push(`         hint: ${check.hint}`)
  return lines.join('\n') + '\n'
}

export function formatSummary(report: PreflightReport): string {
  const { ok, warn, fail, skip } = report.counts
  const verdict = report.ready
    ? `Ready: labs on this host will run with ${report.virtType === 'kvm' ? 'KVM acceleration' : 'QEMU software emulation (slow but working)'}.`
    : 'Not ready: fix the failed checks above, then run `stacklab preflight` again.'
  const skipped = skip ? `, ${skip} skipped (they need a failed check)` : ''
  return `\n${ok} ok, ${warn} warnings, ${fail} failed${skipped} (${report.uri})\n${verdict}\n`
}

/** Text that came from a file, as the terminal shows it: no control characters (no escape sequences). */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?')
}

/** At most this many problems are printed; the rest are counted. */
const MAX_PRINTED = 100

export function printIssues(prefix: string, issues: { path: string; message: string }[], write = err): void {
  for (const i of issues.slice(0, MAX_PRINTED))
    write(`${prefix}${printable(i.path.slice(0, 200))}: ${printable(i.message)}\n`)
  if (issues.length > MAX_PRINTED) write(`${prefix}... and ${issues.length - MAX_PRINTED} more\n`)
}

/** A failure's fix on its own line, as a job's is printed; not again where the message already says it. */
export function printFix(message: string, fix: string | undefined, write = err): void {
  if (fix && !message.includes(fix)) write(`fix: ${printable(fix)}\n`)
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

/**
 * What `stacklab lab add-node` says before following its job: whether the node joins OpenStack (the job
 * lists the join's steps, on a lab with an install) or only its VM is added, and how to retry a join.
 */
export function addNodeNote(lab: string, node: string, job: Pick<Job, 'steps'>, noJoin = false): string {
  const has = (id: string) => job.steps.some((s) => s.id === id)
  if (has('join-checkpoint'))
    return (
      `OpenStack is installed on ${lab}: ${node} joins it as a compute node in this job (checkpoint ` +
      `"pre-join-${node}", ` +
      (has('discover')
        ? 'packstack with the installed servers in EXCLUDE_SERVERS, discover_hosts, '
        : "each install stage's part for the node, discover_hosts, ") +
      `nova-compute up). If the join fails: stacklab install ${lab} --retry\n`
    )
  return noJoin
    ? `Only the VM of ${node} is added (--no-join): if OpenStack is installed on ${lab}, join it by hand ` +
        `(configure nova-compute and ovn-controller on it, then discover_hosts on the controller).\n`
    : `OpenStack is not installed on ${lab}: only the VM of ${node} is added; the next install includes it.\n`
}

/** Follow a job on the terminal until it ends; Ctrl-C cancels it (and waits for the rollback). */
export async function follow(engine: Engine, first: Job): Promise<number> {
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
      void engine.api.call('job.cancel', { id: first.id })
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
