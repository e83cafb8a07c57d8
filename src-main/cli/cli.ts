// `stacklab` commands: the engine from a terminal, for headless labs and scripts. One table holds every
// command: its usage and help (for `stacklab --help`, `stacklab <command> --help` and usage errors), its
// arguments and options (nothing else is accepted), and what it runs.
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { stringify as stringifyYaml } from 'yaml'
import { Engine, VERSION } from '../engine/engine'
import { ApiError } from '../../src-shared/errors'
import { EngineFailure } from '../../src-shared/failures'
import { DEFAULT_PRESET, PRESETS, defaultLab, presetById } from '../../src-shared/lab'
import { startBrowserHost } from '../server/server'
import {
  HelpRequested,
  InputError,
  UsageError,
  errorCode,
  helpOf,
  messageOf,
  parseCommand,
  shownArgument,
  usageOf,
  type CommandSpec,
  type ParseArgsOptionsConfig,
  type Parsed,
} from './args'
import { attachConsole } from './console'
import { checkExit, formatCheckReport, formatLessonList, langOf, say } from './lessons'
import { presetHeader, presetList } from './presets'
import { explainInput, foundPackstackOutput, readYaml } from './input'
import {
  addNodeNote,
  err,
  follow,
  formatCheck,
  formatPackstackReport,
  formatSummary,
  out,
  printFix,
  printIssues,
  printable,
} from './output'

export { UsageError }

/** One command: its spec (name, usage, help, arguments, options) and what it runs once they are checked. */
interface Command {
  spec: CommandSpec<ParseArgsOptionsConfig>
  run(args: readonly string[]): Promise<number>
}

function command<O extends ParseArgsOptionsConfig>(
  spec: CommandSpec<O>,
  run: (parsed: { values: Parsed<O>; positionals: string[] }) => Promise<number>,
): Command {
  return { spec, run: (args) => run(parseCommand(args, spec)) }
}

/** Runs `body` with an engine for the CLI, and closes it after. */
async function withEngine(body: (engine: Engine) => Promise<number>): Promise<number> {
  const engine = new Engine({ host: 'cli' })
  try {
    return await body(engine)
  } finally {
    await engine.close()
  }
}

const JSON_FLAG = { json: { type: 'boolean', default: false } } as const
const LANG_OPTION = { lang: { type: 'string' } } as const

/** Every command, in the order `stacklab --help` lists them. */
const COMMANDS: readonly Command[] = [
  command(
    {
      name: 'preflight',
      options: { ...JSON_FLAG, uri: { type: 'string' } },
      help: [
        'Check this host for libvirt, KVM, tools, disk and memory.',
        'Exit status: 0 ready, 1 a check failed, 2 usage error.',
      ],
    },
    async ({ values }) => {
      const engine = new Engine({ host: 'cli' })
      if (!values.json) {
        engine.on('preflight.started', (e) => out(`Checking ${e.uri} ...\n`))
        engine.on('preflight.check', (e) => out(formatCheck(e.check)))
      }
      const report = await engine.api.call('preflight.run', values.uri ? { uri: values.uri } : {})
      out(values.json ? JSON.stringify(report, null, 2) + '\n' : formatSummary(report))
      return report.ready ? 0 : 1
    },
  ),
  command(
    {
      name: 'serve',
      // --json (the URL as JSON, for scripts and tests) is left out of the usage on purpose.
      options: { port: { type: 'string', default: '0' }, ...JSON_FLAG },
      usage: 'serve [--port N]',
      help: ['Serve the app to a browser on 127.0.0.1 (prints the URL with its token).'],
    },
    async ({ values }) => {
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
    },
  ),
  command(
    {
      name: 'lab validate',
      positionals: ['FILE'],
      help: [
        'Check a lab definition (YAML, at most 1 MiB): every problem by its field,',
        'and warnings. Exit status: 0 valid (warnings may be printed), 1 invalid,',
        '2 usage error or a file that cannot be read as a lab definition.',
      ],
    },
    ({ positionals: [file] }) =>
      withEngine(async (engine) => {
        const definition = await readYaml(file!)
        // The file's content is the input to check, so it goes through the raw gate (typed answer).
        const result = await engine.call('lab.validate', { definition })
        const shown = printable(file!)
        printIssues(`${shown}: `, result.issues)
        printIssues(`${shown}: warning: `, result.warnings ?? [])
        if (result.ok) {
          const n = result.warnings?.length ?? 0
          out(`${shown}: valid${n ? ` (${n} warning${n > 1 ? 's' : ''})` : ''}\n`)
        }
        return result.ok ? 0 : 1
      }),
  ),
  command(
    {
      name: 'lab create',
      positionals: ['FILE'],
      help: ['Build the lab: networks, disks, VMs, boot, SSH, checkpoint "fresh".'],
    },
    ({ positionals: [file] }) =>
      withEngine(async (engine) =>
        follow(engine, await engine.call('lab.create', { definition: await readYaml(file!) })),
      ),
  ),
  command(
    {
      name: 'lab resume',
      positionals: ['NAME'],
      help: ['Carry on with a lab whose creation was interrupted or failed.'],
    },
    ({ positionals: [name] }) =>
      withEngine(async (engine) => follow(engine, await engine.api.call('lab.resume', { name: name! }))),
  ),
  command(
    {
      name: 'lab add-node',
      positionals: ['NAME', 'FILE'],
      options: { 'no-join': { type: 'boolean', default: false } },
      help: [
        "Add a node (YAML, one node as in a definition's nodes list).",
        'On a lab with OpenStack installed, a compute node joins it in the same job (packstack with the',
        "installed servers excluded, or each install stage's compute part; then discover_hosts); other",
        'roles are refused there. --no-join adds the VM only, to join it by hand (seed 000).',
      ],
    },
    ({ positionals: [name, file], values }) =>
      withEngine(async (engine) => {
        const node = await readYaml(file!)
        const noJoin = values['no-join'] === true
        const job = await engine.call('lab.addNode', { name, node, ...(noJoin ? { join: false } : {}) })
        // The engine accepted the node, so its name is a host label: safe to print.
        out(addNodeNote(name!, String((node as { name?: unknown }).name), job, noJoin))
        return follow(engine, job)
      }),
  ),
  command({ name: 'lab list', options: JSON_FLAG, help: ['Labs and their state.'] }, ({ values }) =>
    withEngine(async (engine) => {
      const labs = await engine.api.call('labs.list', {})
      if (values.json) out(JSON.stringify(labs, null, 2) + '\n')
      else if (!labs.length)
        out('No labs yet. Start with: stacklab lab default > lab.yaml && stacklab lab create lab.yaml\n')
      else
        for (const l of labs)
          out(
            `${l.name}  ${l.status}  ${l.preset}/${l.release}  ${l.nodes.map((n) => `${n.name}@${n.address}`).join(' ')}\n`,
          )
      return 0
    }),
  ),
  command(
    {
      name: 'lab delete',
      positionals: ['NAME'],
      help: ['Remove exactly the VMs, disks, networks and files Stacklab made for it.'],
    },
    ({ positionals: [name] }) =>
      withEngine(async (engine) => follow(engine, await engine.api.call('lab.delete', { name: name! }))),
  ),
  command(
    {
      name: 'lab default',
      positionals: ['[NAME]'],
      options: { preset: { type: 'string' }, release: { type: 'string' } },
      usage: 'lab default [NAME] [--preset ID] [--release NAME]',
      help: [
        "Print the seeds' default lab definition as YAML, to edit: on CentOS Stream 9",
        'with Epoxy unless --preset (see: stacklab lab presets) or --release names',
        'another. The comment at its top says what the choice means.',
      ],
    },
    ({ values, positionals: [name] }) => {
      const preset = presetById(values.preset ?? DEFAULT_PRESET)
      if (!preset)
        throw new UsageError(
          `--preset: unknown preset ${printable(values.preset ?? '')}; known: ${PRESETS.map((p) => p.id).join(', ')}`,
        )
      const release = values.release ?? preset.releases[0]!
      if (!preset.releases.includes(release))
        throw new UsageError(
          `--release: ${printable(release)} is not offered on ${preset.id}; choose one of ${preset.releases.join(', ')}`,
        )
      out(presetHeader(preset, release) + stringifyYaml(defaultLab(name ?? 'lab1', preset.id, release)))
      return Promise.resolve(0)
    },
  ),
  command(
    {
      name: 'lab presets',
      help: ['The guest OSes and OpenStack releases a lab can use, and what each choice means.'],
    },
    () => {
      out(presetList())
      return Promise.resolve(0)
    },
  ),
  command(
    {
      name: 'install',
      positionals: ['LAB'],
      options: { retry: { type: 'boolean', default: false }, answers: { type: 'string' } },
      usage: 'install LAB [--retry] [--answers FILE]', // FILE, not the option's name
      help: [
        'Install OpenStack with packstack (detached on the controller: it goes on',
        'if this command stops; run it again to reattach). --retry restores the',
        '"pre-install" checkpoint first. --answers uses FILE as the answer file.',
      ],
    },
    ({ values, positionals: [lab] }) =>
      withEngine(async (engine) => {
        const name = lab!
        if (values.answers) {
          const file = values.answers
          const text = await readFile(file, 'utf8').catch((e: unknown) => {
            throw new InputError(
              `cannot read ${file}: ${errorCode(e) === 'ENOENT' ? 'no such file' : messageOf(e)}`,
            )
          })
          await engine.api.call('lab.answers.save', { name, text })
        }
        return await follow(engine, await engine.api.call('lab.install', { name, retry: values.retry }))
      }),
  ),
  command(
    {
      name: 'answers',
      positionals: ['LAB'],
      help: ["Print the lab's packstack answer file (generated on first use)."],
    },
    ({ positionals: [name] }) =>
      withEngine(async (engine) => {
        out((await engine.api.call('lab.answers', { name: name! })).text)
        return 0
      }),
  ),
  command(
    {
      name: 'status',
      positionals: ['LAB'],
      options: JSON_FLAG,
      help: ['OpenStack services per node, the Horizon URL and what is wrong.'],
    },
    ({ values, positionals: [lab] }) =>
      withEngine(async (engine) => {
        const name = lab!
        const report = await engine.api.call('lab.status', { name })
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
          else if (report.installed)
            out(
              'OpenStack is installed; this install method has no Horizon yet (admin credentials: /root/admin-openrc on the controller)\n',
            )
          else out('OpenStack is not installed yet: stacklab install ' + name + '\n')
          for (const p of report.problems) err(`problem: ${p.message}\n`)
        }
        return report.problems.length ? 1 : 0
      }),
  ),
  command(
    {
      name: 'packstack explain',
      positionals: ['LOGFILE'],
      options: JSON_FLAG,
      help: [
        "Read packstack's output (a console capture; - reads standard input, at",
        'most 100 MiB): outcome, failing step, manifest and host, error lines,',
        'log files, known causes with fixes. Exit status: 0 success, 1 failed or',
        'incomplete, 2 usage error, unreadable, binary or too big input, or no',
        'packstack output found in it.',
      ],
    },
    ({ values, positionals: [source] }) =>
      withEngine(async (engine) => {
        const report = await explainInput(engine, source!)
        if (!foundPackstackOutput(report))
          throw new InputError(`no packstack output found in ${source === '-' ? 'standard input' : source}`)
        out(values.json ? JSON.stringify(report, null, 2) + '\n' : formatPackstackReport(report))
        return report.outcome === 'success' ? 0 : 1
      }),
  ),
  command(
    {
      name: 'lesson list',
      options: { ...JSON_FLAG, ...LANG_OPTION },
      usage: 'lesson list [--json] [--lang en|ko]',
      help: [
        'The lessons and their tasks (resources/lessons, or the folder in',
        'STACKLAB_LESSONS_DIR). A broken lesson file is named on standard error.',
        'Lesson text is English, or Korean with --lang ko or a Korean LANG.',
      ],
    },
    ({ values }) =>
      withEngine(async (engine) => {
        const lang = langOf(values.lang)
        const lessons = await engine.api.call('lessons.list', {})
        out(values.json ? JSON.stringify(lessons, null, 2) + '\n' : formatLessonList(lessons, lang))
        for (const b of await engine.lessons.broken())
          err(`stacklab: left out ${printable(b.file)}: ${printable(b.problem)}\n`)
        return 0
      }),
  ),
  command(
    {
      name: 'lesson start',
      positionals: ['LAB', 'LESSON'],
      help: [
        'Start a lesson on a ready lab: the earlier lesson it follows is finished',
        'where it is not, then checkpoint "lesson-LESSON" (what reset goes back to).',
      ],
    },
    ({ positionals: [lab, lesson] }) =>
      withEngine(async (engine) =>
        follow(engine, await engine.api.call('lesson.start', { lab: lab!, lesson: lesson! })),
      ),
  ),
  command(
    {
      name: 'lesson check',
      positionals: ['LAB', 'LESSON', '[TASK]'],
      options: { ...JSON_FLAG, ...LANG_OPTION },
      usage: 'lesson check LAB LESSON [TASK] [--json] [--lang en|ko]',
      help: [
        "Check a task (or every task) on the lab's nodes: what holds and what is",
        'missing. Exit status: 0 all passed, 1 not yet, 2 could not check (or a',
        'usage error).',
      ],
    },
    ({ values, positionals: [lab, lesson, task] }) =>
      withEngine(async (engine) => {
        const lang = langOf(values.lang)
        const report = await engine.api.call('lesson.check', {
          lab: lab!,
          lesson: lesson!,
          ...(task !== undefined ? { task } : {}),
        })
        if (values.json) out(JSON.stringify(report, null, 2) + '\n')
        else {
          const full = await engine.api.call('lesson.get', { id: report.lesson })
          out(formatCheckReport(report, new Map(full.tasks.map((t) => [t.id, t.title])), lang))
        }
        return checkExit(report)
      }),
  ),
  command(
    {
      name: 'lesson hint',
      positionals: ['LAB', 'LESSON', 'TASK'],
      options: LANG_OPTION,
      usage: 'lesson hint LAB LESSON TASK [--lang en|ko]',
      help: ["Show the task's next hint (one more each time; the count is kept)."],
    },
    ({ values, positionals: [lab, lesson, task] }) =>
      withEngine(async (engine) => {
        const lang = langOf(values.lang)
        const r = await engine.api.call('lesson.hint', { lab: lab!, lesson: lesson!, task: task! })
        if (r.hint) out(`Hint ${r.shown} of ${r.total}: ${say(r.hint, lang)}\n`)
        else out(r.total ? `All ${r.total} hints are shown.\n` : 'This task has no hints.\n')
        return 0
      }),
  ),
  command(
    {
      name: 'lesson solve',
      positionals: ['LAB', 'LESSON', 'TASK'],
      help: [
        'Do the task for me: run its solution on the lab, then its check, then',
        'its negative checks (break, the check must fail, mend, it passes again).',
      ],
    },
    ({ positionals: [lab, lesson, task] }) =>
      withEngine(async (engine) =>
        follow(engine, await engine.api.call('lesson.solve', { lab: lab!, lesson: lesson!, task: task! })),
      ),
  ),
  command(
    {
      name: 'lesson reset',
      positionals: ['LAB', 'LESSON'],
      help: ['Put the lab back at the checkpoint the lesson started from; its progress starts over.'],
    },
    ({ positionals: [lab, lesson] }) =>
      withEngine(async (engine) =>
        follow(engine, await engine.api.call('lesson.reset', { lab: lab!, lesson: lesson! })),
      ),
  ),
  command(
    {
      name: 'console',
      positionals: ['LAB', 'NODE'],
      options: { serial: { type: 'boolean', default: false } },
      help: [
        "Attach this terminal to a node's SSH shell (or its serial console:",
        "Ctrl-] detaches). Exit status: the shell's.",
      ],
    },
    ({ values, positionals: [lab, node] }) => attachConsole(lab!, node!, values.serial),
  ),
]

/** Commands that take a subcommand: `stacklab lab create`, `stacklab packstack explain`. */
const GROUPS = new Set(
  COMMANDS.map((c) => c.spec.name.split(' '))
    .filter((w) => w.length > 1)
    .map((w) => w[0]),
)

/** Where the help text starts on a line of the overall usage. */
const HELP_COLUMN = 35

/** The lines `stacklab --help` gives a command: its usage, then its help, in two columns. */
function listed(spec: CommandSpec<ParseArgsOptionsConfig>): string {
  const usage = `  ${usageOf(spec).slice('stacklab '.length)}`
  const [first = '', ...more] = spec.help ?? []
  const lines =
    usage.length < HELP_COLUMN - 1
      ? [usage.padEnd(HELP_COLUMN) + first]
      : [usage, ' '.repeat(HELP_COLUMN) + first]
  return [...lines, ...more.map((l) => ' '.repeat(HELP_COLUMN) + l)].join('\n') + '\n'
}

const USAGE = `Usage: stacklab <command> [options]

Commands:
${COMMANDS.map((c) => listed(c.spec)).join('')}
Options:
  -h, --help      Show this help (after a command: that command's help).
  -v, --version   Show the version.
`

/** The command `argv` names, and the arguments after its name. */
function find(argv: readonly string[]): { found: Command; args: readonly string[] } {
  const [first, second] = argv
  if (first !== undefined && GROUPS.has(first)) {
    const group = first
    if (second === '--help' || second === '-h') {
      const listing = COMMANDS.filter((c) => c.spec.name.startsWith(`${group} `))
      throw new HelpRequested({
        name: group,
        usage: `${group} <command> [options]`,
        help: listing.flatMap((c) => listed(c.spec).trimEnd().split('\n')).map((l) => l.slice(2)),
      })
    }
    const found = COMMANDS.find((c) => c.spec.name === `${group} ${second}`)
    if (!second || !found)
      throw new UsageError(
        second ? `unknown ${group} command ${shownArgument(second)}` : `${group} needs a command`,
      )
    return { found, args: argv.slice(2) }
  }
  const found = COMMANDS.find((c) => c.spec.name === first)
  if (!found) throw new UsageError(`unknown command ${shownArgument(first ?? '')}`)
  return { found, args: argv.slice(1) }
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  try {
    switch (name) {
      case undefined:
        out(USAGE)
        return 2
      case '-v':
      case '--version':
        parseCommand(rest, { name })
        out(`stacklab ${VERSION}\n`)
        return 0
      case '-h':
      case '--help':
      case 'help':
        parseCommand(rest, { name })
        out(USAGE)
        return 0
    }
    const { found, args } = find(argv)
    return await found.run(args)
  } catch (error) {
    if (error instanceof HelpRequested) {
      out(['-h', '--help', 'help', '-v', '--version'].includes(error.spec.name) ? USAGE : helpOf(error.spec))
      return 0
    }
    if (error instanceof UsageError || errorCode(error)?.startsWith('ERR_PARSE_ARGS')) {
      err(`stacklab: ${printable(messageOf(error))}\n\n${USAGE}`)
      return 2
    }
    if (error instanceof InputError) {
      err(`stacklab: ${printable(error.message)}\n`)
      return 2
    }
    if (error instanceof ApiError) {
      err(`stacklab: ${printable(error.message)}\n`)
      printIssues('  ', error.issues ?? [])
      printFix(error.message, error.fix)
      return error.code === 'bad-request' ? 2 : 1
    }
    err(`stacklab: ${printable(messageOf(error))}\n`)
    if (error instanceof EngineFailure) printFix(error.message, error.fix)
    return 1
  }
}
