// libvirtd restarting under a live event stream: the engine says the connection was lost, reconnects with
// backoff, resumes events and resyncs its picture (the test driver comes back in its built-in state).
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTestLibvirtd, type TestLibvirtd } from '../harness/libvirtd'
import type { Engine } from '../../src-main/engine/engine'
import { domainDefine } from '../../src-main/engine/libvirt/domain'
import { domainXml } from '../../src-main/engine/libvirt/domain-xml'
import { createVirsh } from '../../src-main/engine/libvirt/virsh'
import { createRun } from '../../src-main/engine/exec'
import { nullLogger } from '../../src-main/engine/log'
import type { EventName, EventPayload } from '../../src-shared/api'
import { tempDir, testEngine, waitFor } from '../helpers'

let daemon: TestLibvirtd
let engine: Engine
let t: ReturnType<typeof tempDir>

beforeAll(async () => {
  daemon = await startTestLibvirtd('restart')
  t = tempDir()
  engine = testEngine(t.dir)
  await engine.call('settings.update', { connectionUri: daemon.testUri })
}, 120_000)
afterAll(async () => {
  await engine.close()
  await daemon.stop()
  t.cleanup()
})

function collect<E extends EventName>(event: E): EventPayload<E>[] {
  const seen: EventPayload<E>[] = []
  engine.on(event, (p) => seen.push(p))
  return seen
}

const until = (check: () => boolean, timeoutMs: number, what: string) => waitFor(check, { timeoutMs, what })

it('reconnects after libvirtd restarts, resumes events and resyncs', async () => {
  const connection = collect('libvirt.connection')
  const domains = collect('libvirt.domain')
  const removed = collect('libvirt.domainRemoved')
  await engine.call('libvirt.connection', {})
  await until(() => connection.some((c) => c.state === 'connected'), 10_000, 'first connection')

  await domainDefine(
    createVirsh(createRun(nullLogger), daemon.testUri),
    domainXml({ name: 'before-restart', type: 'test', vcpus: 1, memoryMiB: 256, disks: [], nics: [] }),
  )
  await until(() => domains.some((d) => d.domain.name === 'before-restart'), 5000, 'event for the new domain')
  execFileSync('virsh', ['-c', daemon.testUri, 'destroy', 'test'])
  await until(
    () => domains.some((d) => d.domain.name === 'test' && d.domain.state === 'shutoff'),
    5000,
    'test shut off',
  )

  await daemon.stopDaemon()
  await until(() => connection.some((c) => c.state === 'lost'), 10_000, 'connection lost')
  const lostAt = connection.length
  await daemon.startDaemon()
  await until(() => connection.slice(lostAt).some((c) => c.state === 'connected'), 20_000, 'reconnected')

  // Resync: the restarted test driver has its built-in state again, so the engine must notice that the
  // domain it saw defined is gone and that `test` runs again.
  await until(() => removed.some((r) => r.name === 'before-restart'), 5000, 'resync removed before-restart')
  await until(
    () => domains.some((d) => d.domain.name === 'test' && d.domain.state === 'running'),
    5000,
    'resync saw test running',
  )

  // And events flow again.
  const mark = domains.length
  execFileSync('virsh', ['-c', daemon.testUri, 'destroy', 'test'])
  await until(
    () => domains.slice(mark).some((d) => d.domain.name === 'test' && d.domain.state === 'shutoff'),
    5000,
    'event after reconnect',
  )
})

it('stops cleanly right after it starts: no event stream is left running', async () => {
  const { LibvirtService } = await import('../../src-main/engine/libvirt/service')
  const { EventBus } = await import('../../src-main/engine/events')
  await engine.close() // the first test's streams
  for (let i = 0; i < 5; i++) {
    const service = new LibvirtService(createRun(nullLogger), daemon.testUri, new EventBus(), nullLogger)
    service.start()
    // Not a wait for anything: stop() lands at a different moment of the start-up each time (0 to 60 ms:
    // before, during and after the probe, as the streams start), which is the race under test.
    await new Promise((r) => setTimeout(r, i * 15))
    await service.stop()
  }
  // stop() settles only once every stream it started has exited (the runner settles on the process's
  // close), so none may be left now.
  // The engine starts its streams as `virsh --connect URI ...`; the harness's keeper uses `-c`.
  const streams = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith(`virsh --connect ${daemon.testUri}`))
  expect(streams).toEqual([])
})
