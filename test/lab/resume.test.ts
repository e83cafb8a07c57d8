// A crash mid-pipeline and a cancel, with the real CLI as a user runs it: the engine process is killed
// (SIGKILL, nothing cleaned up) at two different steps and `stacklab lab resume` carries on each time;
// Ctrl-C during another creation rolls back what that run made. Nothing is left orphaned.
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import type { Job } from '../../src-shared/jobs'
import type { LabState, LabSummary } from '../../src-shared/lab'
import { waitFor } from '../helpers'
import { labEnvironment, smallLab } from './lab-helpers'

const env = labEnvironment()
const cliEnv = { ...process.env, ...env.xdg, NO_COLOR: '1' }
const dataDir = join(env.xdg.XDG_DATA_HOME, 'stacklab')
const virsh = (...args: string[]) => execFileSync('virsh', ['-c', env.uri, ...args], { encoding: 'utf8' })

function oneNodeLab(name: string) {
  const lab = smallLab(name)
  lab.nodes = lab.nodes.slice(0, 1)
  const file = join(env.work, `${name}.yaml`)
  writeFileSync(file, stringify(lab))
  return file
}

function startCli(...args: string[]) {
  const child = spawn('node', ['bin/stacklab.js', ...args], {
    env: cliEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : 1))),
  )
  return { child, exited, output: () => output }
}

function runningStep(lab: string): string | null {
  try {
    const jobs = execFileSync('ls', ['-t', join(dataDir, 'jobs')], { encoding: 'utf8' })
      .trim()
      .split('\n')
    const job = JSON.parse(readFileSync(join(dataDir, 'jobs', jobs[0]!), 'utf8')) as Job
    return job.lab === lab ? (job.steps.find((s) => s.state === 'running')?.id ?? null) : null
  } catch {
    return null
  }
}

const until = (check: () => boolean, timeoutMs: number, what: string) =>
  waitFor(check, { timeoutMs, intervalMs: 200, what })

/** A process has one of the lab's disks open: libguestfs's appliance (qemu, `-drive file=<disk>`). */
function diskInUse(lab: string): boolean {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .some((args) => args.includes('qemu-system') && args.includes(`${join(env.images, lab)}/`))
}

function labState(name: string): LabState {
  return JSON.parse(readFileSync(join(dataDir, 'labs', name, 'state.json'), 'utf8')) as LabState
}

function nothingLeft(name: string) {
  expect(
    virsh('list', '--all', '--name')
      .split('\n')
      .filter((d) => d.startsWith(`${name}-`)),
  ).toEqual([])
  expect(virsh('net-list', '--all', '--name')).not.toContain(`${name}-int`)
  expect(existsSync(join(env.images, name))).toBe(false)
  expect(existsSync(join(dataDir, 'labs', name))).toBe(false)
  expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain(join(env.images, name))
}

beforeAll(() => {
  mkdirSync(join(env.xdg.XDG_CONFIG_HOME, 'stacklab'), { recursive: true })
  writeFileSync(
    join(env.xdg.XDG_CONFIG_HOME, 'stacklab', 'settings.json'),
    JSON.stringify({
      connectionUri: env.uri,
      imagesDir: env.images,
      templateSource: env.repo,
      templateUnsigned: true,
    }),
  )
})

describe('crash, resume, cancel', () => {
  it('resumes after the engine is killed during customisation and again after boot', async () => {
    const file = oneNodeLab('kr')
    let run = startCli('lab', 'create', file)
    await until(() => runningStep('kr') === 'customise', 10 * 60_000, 'customisation to start')
    await until(() => diskInUse('kr'), 5 * 60_000, 'the appliance to open the node disk')
    run.child.kill('SIGKILL')
    expect(await run.exited).toBe(137)
    expect(labState('kr').stepsDone).toEqual(['preflight', 'networks', 'base-image', 'disks'])
    const listed = JSON.parse(
      execFileSync('node', ['bin/stacklab.js', 'lab', 'list', '--json'], {
        env: cliEnv,
        encoding: 'utf8',
        timeout: 60_000,
      }),
    ) as LabSummary[]
    expect(listed.map((l) => [l.name, l.status])).toEqual([['kr', 'interrupted']])

    run = startCli('lab', 'resume', 'kr')
    await until(() => labState('kr').stepsDone.includes('boot'), 10 * 60_000, 'boot after the first resume')
    run.child.kill('SIGKILL')
    await run.exited

    run = startCli('lab', 'resume', 'kr')
    expect(await run.exited, run.output()).toBe(0)
    expect(run.output()).toMatch(/\[--\] Node customisation: finished before/)
    expect(run.output()).toMatch(/\[ok\] Reachable over SSH/)
    const state = labState('kr')
    expect(state.status).toBe('ready')
    expect(state.resources).toMatchObject({ domains: ['kr-controller'], networks: ['kr-int'], intents: [] })
    expect(virsh('domstate', 'kr-controller').trim()).toBe('running')

    const del = startCli('lab', 'delete', 'kr')
    expect(await del.exited, del.output()).toBe(0)
    nothingLeft('kr')
  })

  it('rolls back what a cancelled creation made (Ctrl-C on the CLI)', async () => {
    const run = startCli('lab', 'create', oneNodeLab('kc'))
    await until(
      () =>
        existsSync(join(dataDir, 'labs', 'kc', 'state.json')) && labState('kc').stepsDone.includes('define'),
      10 * 60_000,
      'the VM to be defined',
    )
    run.child.kill('SIGINT')
    expect(await run.exited, run.output()).toBe(130)
    expect(run.output()).toMatch(/Cancelling: rolling back/)
    nothingLeft('kc')
    expect(
      JSON.parse(
        execFileSync('node', ['bin/stacklab.js', 'lab', 'list', '--json'], {
          env: cliEnv,
          encoding: 'utf8',
          timeout: 60_000,
        }),
      ),
    ).toEqual([])
  })
})
