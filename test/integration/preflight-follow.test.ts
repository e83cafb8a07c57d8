// Preflight follows the connection: with libvirtd stopped under a watching engine, the last report must not
// stay "ready" (the engine runs the checks again by itself), and once libvirtd is back the report says so.
// And Settings' connection test against a real daemon and a socket where nothing listens. Own libvirtd: this
// file stops it.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTestLibvirtd, type TestLibvirtd } from '../harness/libvirtd'
import type { Engine } from '../../src-main/engine/engine'
import type { PreflightReport } from '../../src-shared/preflight'
import { tempDir, testEngine, waitFor } from '../helpers'

let daemon: TestLibvirtd
let engine: Engine
let t: ReturnType<typeof tempDir>

beforeAll(async () => {
  daemon = await startTestLibvirtd('follow')
  t = tempDir()
  engine = testEngine(t.dir)
  await engine.call('settings.update', { connectionUri: daemon.testUri })
}, 120_000)
afterAll(async () => {
  await engine.close()
  await daemon.stop()
  t.cleanup()
})

const connectionOf = (r: PreflightReport) => r.checks.find((c) => c.id === 'libvirt-connection')!

it('runs preflight again when the watched connection is lost and when it comes back', async () => {
  const finished: PreflightReport[] = []
  engine.on('preflight.finished', (e) => finished.push(e.report))
  const first = await engine.api.call('preflight.run', {})
  expect(first.ready).toBe(true)
  // A host watches the connection (the browser and desktop hosts do from their start).
  await engine.call('libvirt.connection', {})
  await waitFor(async () => (await engine.call('libvirt.connection', {})).state === 'connected', {
    timeoutMs: 10_000,
    what: 'the first connection',
  })
  const before = finished.length

  await daemon.stopDaemon()
  await waitFor(() => finished.length > before, { timeoutMs: 20_000, what: 'a run after the loss' })
  const afterLoss = (await engine.api.call('preflight.last', {}))!
  expect(afterLoss.ready).toBe(false)
  expect(connectionOf(afterLoss).status).toBe('fail')
  expect(afterLoss.checks.find((c) => c.id === 'default-network')!.status).toBe('skip')

  await daemon.startDaemon()
  await waitFor(async () => (await engine.api.call('preflight.last', {}))?.ready === true, {
    timeoutMs: 30_000,
    what: 'a ready report once libvirtd is back',
  })
  expect(connectionOf((await engine.api.call('preflight.last', {}))!).status).toBe('ok')
}, 90_000)

it('tests a connection without saving it: a live daemon answers, a dead socket gets the fix', async () => {
  const good = await engine.api.call('settings.testConnection', { uri: daemon.testUri })
  expect(good.check.status).toBe('ok')
  expect(good.check.evidence.join('\n')).toMatch(/Running hypervisor: TEST/)
  const dead = `test+unix:///default?socket=${t.dir}/nothing-listens.sock`
  const bad = await engine.api.call('settings.testConnection', { uri: dead })
  expect(bad.uri).toBe(dead)
  expect(bad.check.status).toBe('fail')
  expect(bad.check.says?.summary.map((s) => s.key)).toEqual(['daemon-unreachable'])
  expect(bad.check.fix).toMatch(/systemctl enable --now/)
  expect(bad.check.evidence.join('\n')).toMatch(/nothing-listens\.sock/)
  // Nothing was saved.
  expect((await engine.api.call('settings.get', {})).connectionUri).toBe(daemon.testUri)
})
