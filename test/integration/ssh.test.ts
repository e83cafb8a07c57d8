// SSH to a node as the engine does it, against a real OpenSSH server: the host key must match the
// fingerprint recorded for the node, or the connection is refused with a clear message.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTestSshd, type TestSshd } from '../harness/sshd'
import { HostKeyMismatch, sshConnect, sshExec, waitForSsh } from '../../src-main/engine/ssh/client'

let sshd: TestSshd
beforeAll(async () => {
  sshd = await startTestSshd()
})
afterAll(() => sshd.stop())

const target = () => ({
  host: '127.0.0.1',
  port: sshd.port,
  username: 'root',
  privateKey: readFileSync(sshd.clientKey),
  fingerprint: sshd.hostKeyFingerprint,
})

it('connects when the host key matches the recorded fingerprint, and runs a command', async () => {
  const client = await sshConnect(target())
  const r = await sshExec(client, 'echo hello; echo oops >&2; exit 3')
  client.end()
  expect(r).toEqual({ code: 3, stdout: 'hello\n', stderr: 'oops\n' })
})

it('refuses a host whose key differs, and says why', async () => {
  const e = await sshConnect({
    ...target(),
    fingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  }).catch((x: unknown) => x)
  expect(e).toBeInstanceOf(HostKeyMismatch)
  expect((e as Error).message).toContain(sshd.hostKeyFingerprint)
  expect((e as Error).message).toMatch(/refused to connect/)
  // Waiting for a booting node stops at once on a mismatch instead of retrying: no attempt is retried
  // (onAttempt hears each failed attempt before the next).
  const retried: number[] = []
  await expect(
    waitForSsh(
      { ...target(), fingerprint: 'SHA256:x' },
      { timeoutMs: 30_000, intervalMs: 100, onAttempt: (n) => retried.push(n) },
    ),
  ).rejects.toBeInstanceOf(HostKeyMismatch)
  expect(retried).toEqual([])
})

it('keeps trying while nothing answers, then gives up with the last error', async () => {
  const attempts: number[] = []
  await expect(
    waitForSsh(
      { ...target(), port: 1 },
      { timeoutMs: 1500, intervalMs: 300, onAttempt: (n) => attempts.push(n) },
    ),
  ).rejects.toThrow(/did not answer SSH within 2 s/)
  expect(attempts.length).toBeGreaterThan(2)
})
