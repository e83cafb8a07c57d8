// Reads packstack's console output into a PackstackReport, live: feed chunks as they arrive (split anywhere,
// inside a UTF-8 sequence or an ANSI escape too) and ask for the report at any time. The format is
// packstack's own (installer/core/sequences.py, utils/strings.py state_message, plugins/puppet_950.py
// wait_for_puppet, installer/run_setup.py main): "<title>   [ DONE ]" (colour codes around the state),
// "Applying <host>_<role>.pp", the "\rTesting if puppet apply is finished: ..." spinner a terminal gets,
// "<manifest>:  [ DONE ]", "ERROR : <message>", "Please check log file <path> for more information",
// " **** Installation completed successfully ******" and the "Additional information:" bullets.
//
// Every pattern here runs on text a guest controls, so each one is linear in the line (no two unbounded
// quantifiers that can trade characters, no unanchored pattern that starts with one), and lines are cut at
// MAX_LINE characters (lines.ts) before any pattern sees them. test/security/packstack-redos.test.ts
// attacks every pattern with long hostile lines.
import type { PackstackReport, PackstackStep } from '../../../src-shared/packstack'
import { ANSI, CONTROL, stripAnsi } from '../../../src-shared/text'
import { cutMarker, MAX_LINE } from '../lines'
import { matchHints } from './hints'

/** A step's state mark, "[ DONE ]"; the step's title is the text before it. */
const STATE = /\[\s*(DONE|ERROR|SKIPPED)\s*\]\s*/g
const HAS_STATE = /\[\s*(?:DONE|ERROR|SKIPPED)\s*\]/
const APPLYING = /^Applying (\S+)$/
const TESTING = /^Testing if puppet apply is finished: (\S+)/
const ERROR_START = /^ERROR : ?(.*)$/
const PUPPET_RUN = /^Error appeared during Puppet run: (\S+)/
const CHECK_LOG = /Please check log file (\S+) for more information/
const FULL_TRACE = /You will find full trace in log (\S+)/
const LOG_AT = /The installation log file is available at: (\S+)/
const MANIFESTS_AT = /The generated manifests are available at: (\S+)/
const ANSWER_AT = /A new answerfile was created in: (\S+)/
const SUCCESS = /\*\s*Installation completed successfully\s*\*/
const ADDITIONAL = /^Additional information:\s*$/
const BULLET = /^\* (.*)$/
const HORIZON = /browse to (https?:\/\/\S+?)\s*\.?$/
/** `root@192.168.122.110's password:`; matched from the start of its word only (linear). */
const PROMPT = /(?<!\S)([^\s@]+@\S+'s password:)/
const SHELL_PROMPT = /^\[[^\]]*\][#$]/
/** The banner that opens a run: packstack since 2014, and "Installer setup utility" before it. */
const WELCOME = /^Welcome to (?:the Packstack|Installer) setup utility/
/**
 * Colour codes pasted as text instead of escapes: `\u001b[0;31m` from a JSON log, `ESC[1;31m` from a
 * bug report, `^[[0m` from `cat -v`, `\033[`, `\x1b[`, `\e[`. Only colour codes (ending in m) are taken
 * out: those are what packstack and Puppet print.
 */
const TEXT_SGR = /(?:\\u001[bB]|\\x1[bB]|\\033|\\e|\^\[|ESC)\[[0-9;]*m/g
/**
 * Lines outside packstack's own messages that are errors by their form (a pasted manifest log, a node's
 * log): Puppet's and yum's "Error: ", systemd's "Failed to ..." and "Job for ... failed", yum's
 * "[Errno 14]" and "failure:", dnf's "Status code: 404 for", SELinux denials. They are evidence for hints;
 * they do not make a run failed.
 */
const LOOSE_ERROR =
  /^(?:Error: |Failed to |Job for \S+ failed|failure: |type=AVC )|\[Errno \d+\]|Status code: \d{3} for |avc: +denied/
const USAGE_ERROR = /^packstack: error: (.*)$/
const NOTICE =
  /^KeyboardInterrupt|^Traceback \(most recent call last\)|^Killed$|^Terminated$|^Connection to \S+ closed/
const PERMANENTLY_ADDED = /Permanently added '\[?([^'\]]+)\]?(?::\d+)?'/
const MAX_ERROR_LINES = 200

/** Every pattern the parser runs on output lines (the test attacks each of them). */
export const PARSE_PATTERNS: Record<string, RegExp> = {
  ANSI,
  CONTROL,
  STATE,
  HAS_STATE,
  APPLYING,
  TESTING,
  ERROR_START,
  PUPPET_RUN,
  CHECK_LOG,
  FULL_TRACE,
  LOG_AT,
  MANIFESTS_AT,
  ANSWER_AT,
  SUCCESS,
  ADDITIONAL,
  BULLET,
  HORIZON,
  PROMPT,
  SHELL_PROMPT,
  WELCOME,
  TEXT_SGR,
  LOOSE_ERROR,
  USAGE_ERROR,
  NOTICE,
  PERMANENTLY_ADDED,
}

/** Lists in the report keep their first MAX_ERROR_LINES entries: a flood of lines cannot grow them further. */
function capped(list: string[], item: string): void {
  if (list.length < MAX_ERROR_LINES) list.push(item)
}

/** A line as a terminal shows it: real escapes, and colour codes pasted as text, taken out. */
function cleanLine(raw: string): string {
  return stripAnsi(raw).replace(TEXT_SGR, '').trim()
}

function hostOfManifest(manifest: string): string | null {
  const i = manifest.indexOf('_')
  return i > 0 ? manifest.slice(0, i) : null
}

export class PackstackParser {
  private readonly decoder = new TextDecoder('utf-8')
  /** Text of the line being received; `\r` rewrites restart it. */
  private line = ''
  /** Characters of the current line past MAX_LINE: dropped, only counted. */
  private dropped = 0
  /** A `\r` at the end of a chunk: a line end if `\n` follows, a rewrite otherwise. */
  private pendingCr = false

  // What one packstack run printed; a new "Welcome to the Packstack setup utility" starts over.
  private steps: PackstackStep[] = []
  private errorLines: string[] = []
  private manifestLogs: string[] = []
  private additionalInfo: string[] = []
  private manifests = new Map<string, PackstackStep>()
  private prompts: string[] = []
  /** Lines outside packstack's own messages that still tell something (a traceback, an interrupt). */
  private notices: string[] = []
  private waiting = new Set<string>()
  private failure: NonNullable<PackstackReport['failure']> | null = null
  private logFile: string | null = null
  private manifestsDir: string | null = null
  private answerFile: string | null = null
  private horizonUrl: string | null = null
  private success = false
  private inError = false
  private inAdditional = false
  private errorHost: string | null = null

  private startRun(): void {
    this.steps = []
    this.manifests = new Map()
    this.errorLines = []
    this.manifestLogs = []
    this.additionalInfo = []
    this.prompts = []
    this.notices = []
    this.waiting = new Set()
    this.failure = null
    this.logFile = this.manifestsDir = this.answerFile = this.horizonUrl = null
    this.success = this.inError = this.inAdditional = false
    this.errorHost = null
  }

  /** Feed output as it arrives: bytes (decoded as UTF-8 across chunks) or text. */
  feed(chunk: string | Uint8Array): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true })
    this.consume(text)
  }

  /** The output has ended: take the last line even without its newline. */
  end(): PackstackReport {
    this.consume(this.decoder.decode())
    if (this.pendingCr) {
      this.pendingCr = false
      this.finishLine()
    } else if (this.line || this.dropped) this.finishLine()
    return this.report()
  }

  private consume(text: string): void {
    let start = 0
    for (let i = 0; i < text.length; i++) {
      const c = text[i]
      if (this.pendingCr) {
        this.pendingCr = false
        if (c === '\n') {
          this.finishLine()
          start = i + 1
          continue
        }
        this.rewrite()
      }
      if (c === '\n') {
        this.append(text, start, i)
        this.finishLine()
        start = i + 1
      } else if (c === '\r') {
        this.append(text, start, i)
        start = i + 1
        this.pendingCr = true
      }
    }
    this.append(text, start, text.length)
  }

  /** Add to the current line, keeping its first MAX_LINE characters (a runaway line costs nothing more). */
  private append(text: string, from: number, to: number): void {
    const room = Math.max(MAX_LINE - this.line.length, 0)
    if (to - from <= room) this.line += text.slice(from, to)
    else {
      this.line += text.slice(from, from + room)
      this.dropped += to - from - room
    }
  }

  private takeLine(): string {
    const raw = this.dropped ? this.line + cutMarker(this.dropped) : this.line
    this.line = ''
    this.dropped = 0
    return raw
  }

  /** A `\r` not followed by `\n`: what was on the line is replaced; it still tells what packstack waits for. */
  private rewrite(): void {
    const clean = cleanLine(this.takeLine())
    const m = TESTING.exec(clean)
    if (m) this.markRunning(m[1]!)
  }

  private finishLine(): void {
    this.handle(cleanLine(this.takeLine()))
  }

  /** A manifest's step, made on first sight (found by name in a map: a line costs the same at any length). */
  private manifestStep(manifest: string, status: PackstackStep['status']): PackstackStep {
    let step = this.manifests.get(manifest)
    if (!step) {
      step = { title: manifest, kind: 'manifest', status, host: hostOfManifest(manifest), manifest }
      this.manifests.set(manifest, step)
      this.steps.push(step)
    }
    return step
  }

  private markRunning(manifest: string): void {
    this.waiting.add(manifest)
    this.manifestStep(manifest, 'running')
  }

  private setState(title: string, state: string): void {
    const status = state === 'DONE' ? 'done' : state === 'ERROR' ? 'error' : 'skipped'
    if (title.endsWith(':')) {
      const manifest = title.slice(0, -1)
      this.waiting.delete(manifest)
      this.manifestStep(manifest, status).status = status
      return
    }
    this.steps.push({ title, kind: 'step', status, host: null, manifest: null })
  }

  private handle(line: string): void {
    if (!line) return
    if (WELCOME.test(line)) return this.startRun()
    if (NOTICE.test(line)) capped(this.notices, line)
    const usage = USAGE_ERROR.exec(line)
    if (usage) {
      this.failure = { step: null, manifest: null, host: null, message: usage[1]! }
      this.pushError(line)
      return
    }
    const prompt = PROMPT.exec(line)
    if (prompt) capped(this.prompts, prompt[1]!)

    const error = ERROR_START.exec(line)
    if (error) {
      this.inError = true
      this.inAdditional = false
      const message = error[1]!.trim()
      const run = PUPPET_RUN.exec(message)
      this.failure = {
        step: this.failure?.step ?? null,
        manifest: run ? run[1]! : (this.failure?.manifest ?? null),
        host: run ? hostOfManifest(run[1]!) : (this.failure?.host ?? null),
        message,
      }
      this.pushError(line)
      return
    }

    const check = CHECK_LOG.exec(line)
    if (check) {
      this.logFile = check[1]!
      this.inError = false
      return
    }
    const trace = FULL_TRACE.exec(line)
    if (trace) {
      if (!this.manifestLogs.includes(trace[1]!)) capped(this.manifestLogs, trace[1]!)
      if (this.inError) this.pushError(line)
      this.inError = false
      return
    }
    if (ADDITIONAL.test(line)) {
      this.inError = false
      this.inAdditional = true
      return
    }
    if (SUCCESS.test(line)) {
      this.success = true
      this.inError = false
      this.waiting.clear()
      return
    }
    if (SHELL_PROMPT.test(line)) {
      this.inError = false
      this.inAdditional = false
      return
    }

    // Step output after the bullets (a capture of several commands) ends them.
    if (
      this.inAdditional &&
      !BULLET.test(line) &&
      (HAS_STATE.test(line) || APPLYING.test(line) || TESTING.test(line))
    )
      this.inAdditional = false
    if (this.inAdditional) {
      const bullet = BULLET.exec(line)
      const last = this.additionalInfo.length - 1
      if (bullet) capped(this.additionalInfo, bullet[1]!)
      else if (last < 0) capped(this.additionalInfo, line)
      else if (this.additionalInfo[last]!.length < MAX_LINE) this.additionalInfo[last] += `\n${line}`
      this.readInfo(line)
      return
    }

    if (this.inError) {
      this.pushError(line)
      const added = PERMANENTLY_ADDED.exec(line)
      if (added && !this.errorHost) this.errorHost = added[1]!
      return
    }

    const logAt = LOG_AT.exec(line)
    if (logAt) {
      this.logFile = logAt[1]!
      return
    }
    if (LOOSE_ERROR.test(line)) {
      capped(this.notices, line)
      return
    }
    const testing = TESTING.exec(line)
    if (testing) {
      this.markRunning(testing[1]!)
      return
    }
    const applying = APPLYING.exec(line)
    if (applying) {
      this.markRunning(applying[1]!)
      return
    }
    // A line can carry more than one state when a terminal's leftovers were copied along.
    let from = 0
    STATE.lastIndex = 0
    for (let m = STATE.exec(line); m; m = STATE.exec(line)) {
      const title = line.slice(from, m.index).trim()
      if (title) this.setState(title, m[1]!)
      from = STATE.lastIndex
    }
  }

  private readInfo(line: string): void {
    const horizon = HORIZON.exec(line)
    if (horizon) this.horizonUrl = horizon[1]!
    const log = LOG_AT.exec(line)
    if (log) this.logFile = log[1]!
    const manifests = MANIFESTS_AT.exec(line)
    if (manifests) this.manifestsDir = manifests[1]!
    const answer = ANSWER_AT.exec(line)
    if (answer) this.answerFile = answer[1]!
  }

  private pushError(line: string): void {
    if (this.errorLines.length < MAX_ERROR_LINES) this.errorLines.push(line)
  }

  /** The report as far as the output goes. */
  report(): PackstackReport {
    const failedStep = [...this.steps].reverse().find((s) => s.kind === 'step' && s.status === 'error')
    const failedManifest = this.steps.find((s) => s.kind === 'manifest' && s.status === 'error')
    const failed = !this.success && (this.failure !== null || failedStep !== undefined)
    const outcome = this.success ? 'success' : failed ? 'failed' : 'incomplete'
    const failure = failed
      ? {
          step: failedStep?.title ?? null,
          manifest: this.failure?.manifest ?? failedManifest?.manifest ?? null,
          host: this.failure?.host ?? failedManifest?.host ?? this.errorHost,
          message: this.failure?.message ?? null,
        }
      : null
    const waitingFor = outcome === 'incomplete' ? [...this.waiting] : []
    const evidence = [
      ...this.errorLines,
      ...this.steps.filter((s) => s.status === 'error').map((s) => `${s.title} [ ERROR ]`),
      ...this.additionalInfo,
      ...this.prompts,
      ...this.notices,
    ]
    const hints = matchHints(evidence)
    if (waitingFor.length) {
      const m = waitingFor[waitingFor.length - 1]!
      const host = hostOfManifest(m) ?? '<host>'
      hints.push({
        id: 'puppet-still-running',
        severity: 'info',
        message: `The output ends while packstack waits for Puppet to finish ${waitingFor.join(', ')}.`,
        fix: `Follow the manifest's log on the node: ssh root@${host} 'tail -f /var/tmp/packstack/*/manifests/${m}.running'. If the run was cut off, run packstack again with the same answer file.`,
        evidence: `Testing if puppet apply is finished: ${m}`,
      })
    }
    return {
      outcome,
      steps: this.steps.map((s) => ({ ...s })),
      failure,
      errorLines: [...this.errorLines],
      logFile: this.logFile,
      manifestLogs: [...this.manifestLogs],
      manifestsDir: this.manifestsDir,
      answerFile: this.answerFile,
      additionalInfo: [...this.additionalInfo],
      horizonUrl: this.horizonUrl,
      waitingFor,
      prompts: [...this.prompts],
      hints,
    }
  }
}

/** Read a whole log (or console capture) at once. */
export function explain(text: string | Uint8Array): PackstackReport {
  const parser = new PackstackParser()
  parser.feed(text)
  return parser.end()
}

/**
 * The same, a slice at a time with a turn of the event loop between slices: the engine answers other calls
 * while it reads a long capture.
 */
export async function explainInTurns(text: string, slice = 32 * 1024): Promise<PackstackReport> {
  const parser = new PackstackParser()
  for (let i = 0; i < text.length; i += slice) {
    parser.feed(text.slice(i, i + slice))
    await new Promise((resolve) => setImmediate(resolve))
  }
  return parser.end()
}
