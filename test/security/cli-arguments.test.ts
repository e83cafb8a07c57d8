// Every `stacklab` command, through the built CLI: a stray extra argument, an unknown option and a missing
// argument are each refused with exit 2 and a message naming them, before the command does anything
// (`stacklab lab create lab.yaml hunter2` used to create the lab and ignore `hunter2`). The extra word is
// shown back on the terminal but never written to the log.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { defaultLab } from '../../src-shared/lab'
import { runStacklab, tempDir, xdgEnv } from '../helpers'

let t: ReturnType<typeof tempDir>
let lab: string
let node: string
let log: string
beforeAll(() => {
  t = tempDir('stacklab-sec-args-')
  lab = join(t.dir, 'lab.yaml')
  writeFileSync(lab, stringify(defaultLab('argslab')))
  node = join(t.dir, 'node.yaml')
  writeFileSync(node, stringify(defaultLab('argslab').nodes[1]))
  log = join(xdgEnv(t.dir).XDG_STATE_HOME, 'stacklab', 'stacklab.log')
})
afterAll(() => t.cleanup())

const stacklab = (...args: string[]) => runStacklab(t.dir, ...args)
const SECRET = 'hunter2-Pw-9c1e'
const fixture = join(__dirname, '../fixtures/packstack/success-victoria-multinode.txt')

/** Every command with the arguments it takes (files where it reads one), as a user would type it. */
const COMMANDS: { command: string[]; args: () => string[]; missing?: string }[] = [
  { command: ['preflight'], args: () => [] },
  { command: ['serve'], args: () => [] },
  { command: ['lab', 'validate'], args: () => [lab], missing: 'FILE' },
  { command: ['lab', 'create'], args: () => [lab], missing: 'FILE' },
  { command: ['lab', 'resume'], args: () => ['argslab'], missing: 'NAME' },
  { command: ['lab', 'add-node'], args: () => ['argslab', node], missing: 'FILE' },
  { command: ['lab', 'list'], args: () => [] },
  { command: ['lab', 'delete'], args: () => ['argslab'], missing: 'NAME' },
  { command: ['lab', 'default'], args: () => ['argslab'] },
  { command: ['install'], args: () => ['argslab'], missing: 'LAB' },
  { command: ['answers'], args: () => ['argslab'], missing: 'LAB' },
  { command: ['status'], args: () => ['argslab'], missing: 'LAB' },
  { command: ['packstack', 'explain'], args: () => [fixture], missing: 'LOGFILE' },
  { command: ['console'], args: () => ['argslab', 'controller'], missing: 'NODE' },
  { command: ['lesson', 'list'], args: () => [] },
  { command: ['lesson', 'start'], args: () => ['argslab', 'images'], missing: 'LESSON' },
  // TASK is optional: without it the last word would be taken as the task, so no "missing" case here.
  { command: ['lesson', 'check'], args: () => ['argslab', 'images', 'upload'] },
  { command: ['lesson', 'hint'], args: () => ['argslab', 'images', 'upload'], missing: 'TASK' },
  { command: ['lesson', 'solve'], args: () => ['argslab', 'images', 'upload'], missing: 'TASK' },
  { command: ['lesson', 'reset'], args: () => ['argslab', 'images'], missing: 'LESSON' },
  { command: ['--version'], args: () => [] },
  { command: ['help'], args: () => [] },
]

describe('every command refuses what it does not take', () => {
  it.each(COMMANDS)('$command: an extra argument', async ({ command, args }) => {
    const r = await stacklab(...command, ...args(), SECRET)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`unexpected argument "${SECRET}"`)
    expect(r.stdout).toBe('')
  })

  it.each(COMMANDS)('$command: an unknown option', async ({ command, args }) => {
    const r = await stacklab(...command, ...args(), '--rootpassword', SECRET)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`unknown option "--rootpassword" for ${command.join(' ')}`)
    expect(r.stdout).toBe('')
  })

  it.each(COMMANDS.filter((c) => c.missing))(
    '$command: a missing argument',
    async ({ command, args, missing }) => {
      const r = await stacklab(...command, ...args().slice(0, -1))
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(
        `${command.join(' ')} needs ${missing} (usage: stacklab ${command.join(' ')}`,
      )
    },
  )

  it('lab create lab.yaml hunter2 creates nothing, and the word is not in the log', async () => {
    const r = await stacklab('lab', 'create', lab, SECRET)
    expect(r.code).toBe(2)
    expect(existsSync(join(xdgEnv(t.dir).XDG_DATA_HOME, 'stacklab', 'labs'))).toBe(false)
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').not.toContain(SECRET)
  })

  it('an option a command does not have is refused, even one another command has', async () => {
    for (const args of [
      ['lab', 'validate', lab, '--json'],
      ['install', 'argslab', '--json'],
      ['lab', 'create', lab, '--uri', 'qemu:///system'],
    ]) {
      const r = await stacklab(...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(/unknown option "--(json|uri)" for (lab validate|install|lab create)/)
    }
  })

  it.each(COMMANDS.filter((c) => !c.command[0]!.startsWith('-') && c.command[0] !== 'help'))(
    '$command --help: its usage and help, exit 0',
    async ({ command, args }) => {
      const r = await stacklab(...command, ...args(), '--help')
      expect(r.code).toBe(0)
      expect(r.stderr).toBe('')
      const [usage, blank, ...help] = r.stdout.trimEnd().split('\n')
      expect(usage).toMatch(new RegExp(`^Usage: stacklab ${command.join(' ')}( |$)`))
      expect(blank).toBe('')
      expect(help.length).toBeGreaterThan(0)
      // The same usage and help as the overall --help lists for it: one place says both.
      const all = (await stacklab('--help')).stdout.replace(/\s+/g, ' ')
      expect(all).toContain([usage!.slice('Usage: stacklab '.length), ...help.map((l) => l.trim())].join(' '))
    },
  )

  it('-h works as --help, and --help wins over a missing or an extra argument', async () => {
    for (const args of [
      ['lab', 'create', '-h'],
      ['lab', 'create', '--help'],
      ['lab', 'create', lab, SECRET, '--help'],
    ]) {
      const r = await stacklab(...args)
      expect(r.code, args.join(' ')).toBe(0)
      expect(r.stdout).toMatch(/^Usage: stacklab lab create FILE\n/)
    }
    // After `--` it is an argument like any other, not a request for help.
    const r = await stacklab('lab', 'default', 'x', '--', '--help')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('unexpected argument "--help"')
  })

  it('--help runs nothing: lab create --help and lab delete --help touch no lab', async () => {
    expect((await stacklab('lab', 'create', lab, '--help')).code).toBe(0)
    expect((await stacklab('lab', 'delete', 'argslab', '--help')).code).toBe(0)
    expect(existsSync(join(xdgEnv(t.dir).XDG_DATA_HOME, 'stacklab', 'labs'))).toBe(false)
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').not.toMatch(/lab\.(create|delete)/)
  })

  it('lab --help and packstack --help list their commands', async () => {
    const labs = await stacklab('lab', '--help')
    expect(labs.code).toBe(0)
    expect(labs.stdout).toMatch(/^Usage: stacklab lab <command>/)
    for (const sub of ['validate', 'create', 'resume', 'add-node', 'list', 'delete', 'default'])
      expect(labs.stdout).toContain(`  lab ${sub} `)
    const packstack = await stacklab('packstack', '-h')
    expect(packstack.code).toBe(0)
    expect(packstack.stdout).toContain('packstack explain LOGFILE [--json]')
  })

  it('an unknown command or option exits 2 with a message naming it, and the usage', async () => {
    for (const [args, message] of [
      [['frobnicate'], 'stacklab: unknown command "frobnicate"\n'],
      [['frobnicate', '--help'], 'stacklab: unknown command "frobnicate"\n'],
      [
        ['lab', 'list', '--bogus'],
        'stacklab: unknown option "--bogus" for lab list (usage: stacklab lab list [--json])\n',
      ],
      [['--bogus'], 'stacklab: unknown command "--bogus"\n'],
      [['packstack', 'frob'], 'stacklab: unknown packstack command "frob"\n'],
      [['lab'], 'stacklab: lab needs a command\n'],
    ] as const) {
      const r = await stacklab(...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr.startsWith(message), r.stderr).toBe(true)
      expect(r.stderr).toContain('\nUsage: stacklab <command> [options]\n')
    }
  })

  it('an unknown subcommand is named, with control characters made harmless', async () => {
    const r = await stacklab('lab', 'frob\x1b[2Jnicate')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('unknown lab command "frob?[2Jnicate"')
    expect(r.stderr).not.toContain('\x1b')
  })
})
