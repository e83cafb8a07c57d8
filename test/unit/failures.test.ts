// One error model: each kind of engine failure, made the way the engine meets it (a real process, a real
// virsh), reaches the API with its own API code, keeps its fix and carries its failure code and parameters;
// a job's error keeps them too, and the CLI prints the fix. (SSH and guest commands: test/integration/ssh.)
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { toApiError } from '../../src-main/engine/calls/errors'
import { createRun } from '../../src-main/engine/exec'
import { InstallError } from '../../src-main/engine/install/steps'
import { PipelineError } from '../../src-main/engine/lab/env'
import { createLogger, type Logger } from '../../src-main/engine/log'
import { createVirsh } from '../../src-main/engine/libvirt/virsh'
import { printFix } from '../../src-main/cli/output'
import { API_CODE_OF, ApiError } from '../../src-shared/errors'
import { EngineFailure, FailureCode } from '../../src-shared/failures'
import { Job } from '../../src-shared/jobs'
import { rejection, tempDir, testEngine } from '../helpers'

let t: ReturnType<typeof tempDir>
let logger: Logger
beforeEach(() => {
  t = tempDir()
  logger = createLogger(join(t.dir, 'app.log'))
})
afterEach(() => t.cleanup())

/** What a call answers when its handler throws this. */
const mapped = (error: unknown) => toApiError('test.call', error, logger)
const failed = (p: Promise<unknown>) => rejection(p, EngineFailure)

describe('each failure kind reaches the API as its own code', () => {
  it('validation: bad-request naming the field, with the issues as parameters', async () => {
    const engine = testEngine(t.dir)
    await engine.api.call('settings.update', { connectionUri: 'test:///default' })
    // The test driver's own network is named `default`: a second one is refused before anything changes.
    const e = await rejection(
      engine.api.call('network.create', { name: 'default', mode: 'isolated', subnet: '10.77.0.0/24' }),
      ApiError,
    )
    expect(e.code).toBe('bad-request')
    expect(e.issues).toEqual([{ path: 'name', message: 'a network named default already exists' }])
    expect(e.failure).toEqual({ code: 'validation', params: { issues: e.issues } })
    expect(e.message).toBe('Invalid input for network.create: name: a network named default already exists')
  })

  it('libvirt: a daemon that is not there is unreachable, with virsh’s line as details', async () => {
    const virsh = createVirsh(createRun(logger), `qemu+unix:///system?socket=${t.dir}/none`)
    const error = await failed(virsh(['list']))
    expect(error.code).toBe('libvirt.unreachable')
    expect(error.details).toMatch(/Failed to connect socket/)
    const api = mapped(error)
    expect(api.code).toBe('unreachable')
    expect(api.failure).toEqual({ code: 'libvirt.unreachable', params: { detail: error.details } })
  })

  it('exec: a missing program is not-found; a failing one is exit, with its stderr as details', async () => {
    const run = createRun(logger)
    const missing = await failed(run('stacklab-no-such-program', []))
    expect(mapped(missing)).toMatchObject({
      code: 'not-found',
      failure: { code: 'exec.not-found', params: { program: 'stacklab-no-such-program', exitCode: null } },
    })
    const exit = await failed(run('sh', ['-c', 'echo broken >&2; exit 4']))
    expect(exit.details).toBe('broken\n')
    expect(mapped(exit)).toMatchObject({
      code: 'exit',
      failure: { code: 'exec.exit', params: { program: 'sh', exitCode: 4 } },
    })
  })

  it('pipeline step: exit, keeping its fix', () => {
    const api = mapped(
      new PipelineError('The host is not ready: Memory: Only 1.0 GiB available', 'Free memory', {
        reason: 'host-not-ready',
        checks: 'Memory',
      }),
    )
    expect(api.toJSON()).toEqual({
      code: 'exit',
      message: 'The host is not ready: Memory: Only 1.0 GiB available',
      fix: 'Free memory',
      failure: { code: 'pipeline.step', params: { reason: 'host-not-ready', checks: 'Memory' } },
    })
  })

  it('install: invalid-state, the message still saying the fix, which is also kept on its own', () => {
    const api = mapped(
      new InstallError('No controller', 'Add a controller node', { reason: 'answers-misfit', keys: 'x' }),
    )
    expect(api.toJSON()).toEqual({
      code: 'invalid-state',
      message: 'No controller. Add a controller node',
      fix: 'Add a controller node',
      failure: { code: 'install', params: { reason: 'answers-misfit', keys: 'x' } },
    })
  })

  it('anything untyped stays internal, with no failure code to translate', () => {
    const api = mapped(new Error('boom'))
    expect(api.toJSON()).toEqual({ code: 'internal', message: 'boom' })
  })

  it('every failure code has an API code, and only known ones', () => {
    expect(Object.keys(API_CODE_OF).sort()).toEqual([...FailureCode.options].sort())
  })
})

describe('where failures go', () => {
  it('a job keeps the code and parameters; a job file without them still reads', () => {
    const base = {
      id: 'j1',
      kind: 'lab.install',
      title: 'Install',
      lab: 'l1',
      state: 'failed',
      steps: [],
      progress: 0,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: null,
    }
    const error = { message: 'm', fix: 'f', code: 'ssh.host-key', params: { host: '10.0.0.5' } }
    expect(Job.parse({ ...base, error }).error).toEqual(error)
    expect(Job.parse({ ...base, error: { message: 'm' } }).error).toEqual({ message: 'm' })
    expect(() => Job.parse({ ...base, error: { ...error, code: 'made-up' } })).toThrow()
  })

  it('the CLI prints a fix on its own line, once', () => {
    const lines: string[] = []
    printFix('No controller', 'Add a controller node', (s) => lines.push(s) > 0)
    printFix('No controller. Add a controller node', 'Add a controller node', (s) => lines.push(s) > 0)
    printFix('Something', undefined, (s) => lines.push(s) > 0)
    expect(lines).toEqual(['fix: Add a controller node\n'])
  })
})
