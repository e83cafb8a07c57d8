// A remote connection (`<driver>+libssh://user@host/...`, the ssh transport that honours a pinned
// known_hosts file) set in settings, through a real sshd: preflight
// reaches libvirt over SSH and says what it cannot check from here, the engine lists domains and gets live
// events over the same transport.
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, expect, inject, it } from 'vitest'
import { startTestSshd, type TestSshd } from '../harness/sshd'
import type { Engine } from '../../src-main/engine/engine'
import { tempDir, testEngine } from '../helpers'

const { testUri, socket } = inject('libvirt')
let sshd: TestSshd
let engine: Engine
let t: ReturnType<typeof tempDir>
let remoteUri: string

beforeAll(async () => {
  sshd = await startTestSshd()
  t = tempDir()
  engine = testEngine(t.dir)
  // The test daemon listens on its own socket, so the URI names it; libvirt then tunnels with `nc -U`.
  remoteUri = `test+libssh://root@127.0.0.1:${sshd.port}/default?socket=${socket}&keyfile=${sshd.clientKey}&known_hosts=${sshd.knownHosts}`
  await engine.api.call('settings.update', { connectionUri: remoteUri })
})
afterAll(async () => {
  await engine.close()
  await sshd.stop()
  t.cleanup()
})

it('runs preflight over SSH, and does not pretend to check the remote disk and memory', async () => {
  const report = await engine.api.call('preflight.run', {})
  const by = Object.fromEntries(report.checks.map((c) => [c.id, c]))
  expect(report.uri).toBe(remoteUri)
  expect(by['libvirt-connection']!.status).toBe('ok')
  expect(by['default-network']!.status).toBe('ok')
  expect(by['disk-space']!.summary).toMatch(/remote host/)
  expect(by['memory']!.summary).toMatch(/remote host/)
})

it('lists domains and receives live events over the SSH transport', async () => {
  const domains = await engine.api.call('domains.list', {})
  expect(domains.map((d) => d.name)).toContain('test')
  // The engine starts its event streams, then reads its first picture: once that picture has `test`, the
  // streams have been up longer than the read took, and a change from now on can only come as an event.
  const pictured = new Promise<void>((resolve) => {
    engine.on('libvirt.domain', (e) => e.domain.name === 'test' && e.domain.state === 'running' && resolve())
  })
  await engine.api.call('libvirt.connection', {})
  await pictured
  const change = new Promise<string>((resolve) => {
    engine.on('libvirt.domain', (e) => {
      if (e.domain.name === 'test' && e.domain.state === 'paused') resolve(e.uri)
    })
  })
  execFileSync('virsh', ['-c', testUri, 'suspend', 'test'])
  try {
    expect(await change).toBe(remoteUri)
  } finally {
    execFileSync('virsh', ['-c', testUri, 'resume', 'test'])
  }
})

it('refuses to connect when the host key does not match what is pinned', async () => {
  const other = await startTestSshd()
  try {
    const wrongPin = `test+libssh://root@127.0.0.1:${other.port}/default?socket=${socket}&keyfile=${sshd.clientKey}&known_hosts=${sshd.knownHosts}`
    const report = await engine.api.call('preflight.run', { uri: wrongPin })
    const conn = report.checks.find((c) => c.id === 'libvirt-connection')!
    expect(conn.status).toBe('fail')
    expect(conn.evidence.join(' ')).toMatch(/host key|known.?hosts/i)
    expect(conn.summary).toMatch(/SSH host key of 127.0.0.1 is unknown or has changed/)
    expect(conn.fix).toBe(`ssh -p ${other.port} root@127.0.0.1 true`)
  } finally {
    await other.stop()
  }
})
