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

  it('an unknown subcommand is named, with control characters made harmless', async () => {
    const r = await stacklab('lab', 'frob\x1b[2Jnicate')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('unknown lab command "frob?[2Jnicate"')
    expect(r.stderr).not.toContain('\x1b')
  })
})
