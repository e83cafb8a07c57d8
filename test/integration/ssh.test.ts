// SSH to a node as the engine does it, against a real OpenSSH server: the host key must match the
// fingerprint recorded for the node, or the connection is refused with a clear message.
import { existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { utils } from 'ssh2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toApiError } from '../../src-main/engine/calls/errors'
import { parseVirtProbe, probeKvm, VIRT_PROBE } from '../../src-main/engine/install/remote'
import { remote } from '../../src-main/engine/lab/node-ssh'
import { createLogger } from '../../src-main/engine/log'
import { EngineFailure } from '../../src-shared/failures'
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

it("checks a node's KVM from inside it with the fixed probe script: vmx/svm flags and /dev/kvm", async () => {
  // The node here is this machine: its CPU shows no vmx/svm (kvm_pvm), so the answer is no, whatever
  // /dev/kvm says; the parts must match what this machine really has.
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8').split('\n')
  const flags = cpuinfo.filter((l) => /vmx|svm/.test(l)).length
  const client = await sshConnect(target())
  const r = await sshExec(client, VIRT_PROBE)
  const probed = await probeKvm(client)
  client.end()
  expect(r.code).toBe(0)
  expect(parseVirtProbe(r.stdout)).toEqual({
    cpuFlags: flags,
    devKvm: existsSync('/dev/kvm'),
    kvm: flags > 0 && existsSync('/dev/kvm'),
  })
  expect(probed).toBe(flags > 0 && existsSync('/dev/kvm'))
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

describe('SSH failures reach the API as their own codes', () => {
  const logger = () => createLogger(join(tmpdir(), `stacklab-ssh-test-${process.pid}.log`))
  const mapped = (error: unknown) => toApiError('console.open', error, logger())

  it('a host key mismatch: permission with ssh.host-key and its fix, not internal', async () => {
    const wrong = 'SHA256:' + 'B'.repeat(43)
    const e = await sshConnect({ ...target(), fingerprint: wrong }).catch((x: unknown) => x)
    const api = mapped(e)
    expect(api.code).toBe('permission')
    expect(api.failure).toEqual({
      code: 'ssh.host-key',
      params: { host: '127.0.0.1', expected: wrong, got: sshd.hostKeyFingerprint },
    })
    expect(api.fix).toMatch(/build it again with Stacklab/)
  })

  it('a refused key: permission with ssh.auth', async () => {
    const stranger = utils.generateKeyPairSync('ed25519').private
    const api = mapped(await sshConnect({ ...target(), privateKey: stranger }).catch((x: unknown) => x))
    expect(api.code).toBe('permission')
    expect(api.failure).toEqual({ code: 'ssh.auth', params: { host: '127.0.0.1' } })
    expect(api.fix).toMatch(/refused the lab's SSH key/)
  })

  it('nothing listening: unreachable; waiting in vain: timeout', async () => {
    const refused = mapped(await sshConnect({ ...target(), port: 1 }).catch((x: unknown) => x))
    expect(refused.code).toBe('unreachable')
    expect(refused.failure).toEqual({ code: 'ssh.unreachable', params: { host: '127.0.0.1' } })
    expect(refused.fix).toMatch(/is running/)
    const waited = await waitForSsh({ ...target(), port: 1 }, { timeoutMs: 200, intervalMs: 100 }).catch(
      (x: unknown) => x,
    )
    expect(mapped(waited)).toMatchObject({
      code: 'timeout',
      failure: { code: 'ssh.timeout', params: { host: '127.0.0.1' } },
    })
  })

  it('a guest command that fails: exit with guest.command, its output as details', async () => {
    const client = await sshConnect(target())
    const e = await remote(client, 'sh -c "echo no-such-package >&2; exit 5"').catch((x: unknown) => x)
    client.end()
    expect(e).toBeInstanceOf(EngineFailure)
    expect((e as EngineFailure).details).toBe('no-such-package')
    expect(mapped(e)).toMatchObject({
      code: 'exit',
      message: 'sh failed (exit 5): no-such-package',
      failure: { code: 'guest.command', params: { program: 'sh', exitCode: 5, output: 'no-such-package' } },
    })
  })
})
