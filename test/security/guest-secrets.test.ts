// Security (issue #11, item 5): an ordinary word a guest reports as its admin password (`qemu`, `stack`)
// must not block Stacklab's own commands nor garble its log, while Stacklab's own secrets are still refused
// on a command line. The password is read the way `stacklab status` reads it: over real SSH from a real
// keystonerc_admin file, by the status code's own reader.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, inject, it } from 'vitest'
import type { Client } from 'ssh2'
import { createRun, type ExecError } from '../../src-main/engine/exec'
import { createLogger } from '../../src-main/engine/log'
import { forgetSecret, maskGuest, registerSecret } from '../../src-main/engine/secrets'
import { sshConnect } from '../../src-main/engine/ssh/client'
import { readAdminRc } from '../../src-main/engine/install/status'
import { startTestSshd, type TestSshd } from '../harness/sshd'
import { tempDir } from '../helpers'

let sshd: TestSshd
let client: Client
const tmp = tempDir('stacklab-sec-guest-')
const logFile = join(tmp.dir, 'stacklab.log')
const run = createRun(createLogger(logFile))

beforeAll(async () => {
  sshd = await startTestSshd()
  client = await sshConnect({
    host: '127.0.0.1',
    port: sshd.port,
    username: 'root',
    privateKey: readFileSync(sshd.clientKey),
    fingerprint: sshd.hostKeyFingerprint,
  })
})
afterAll(async () => {
  client.end()
  forgetSecret('qemu')
  forgetSecret('stack')
  await sshd.stop()
  tmp.cleanup()
})

/** A keystonerc_admin as packstack writes it, with the user's chosen admin password. */
function keystonerc(password: string): string {
  const file = join(tmp.dir, `keystonerc_admin-${password}`)
  writeFileSync(
    file,
    [
      'unset OS_SERVICE_TOKEN',
      '    export OS_USERNAME=admin',
      `    export OS_PASSWORD='${password}'`,
      '    export OS_REGION_NAME=RegionOne',
      '    export OS_AUTH_URL=http://192.168.122.100:5000/v3',
      "    export PS1='[\\u@\\h \\W(keystone_admin)]\\$ '",
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  return file
}

it('a guest password that is an ordinary word blocks no command and garbles no log line', async () => {
  for (const word of ['qemu', 'stack']) {
    const vars = await readAdminRc(client, keystonerc(word))
    expect(vars['OS_PASSWORD']).toBe(word)
  }

  // Stacklab's own commands with those words in them start and finish.
  const { qemuUri } = inject('libvirt')
  const uri = await run('virsh', ['--connect', qemuUri, 'uri'])
  expect(uri.stdout).toContain('qemu')
  // A connection that cannot be made still STARTS virsh (it fails on its own), it is not refused.
  const literal = (await run('virsh', ['--connect', 'qemu:///system?socket=/nonexistent', 'uri']).catch(
    (e: unknown) => e,
  )) as ExecError
  expect(literal.message).not.toMatch(/refusing|secret/)
  expect(literal.kind).toBe('exit')
  const keyDir = join(tmp.dir, 'stacklab', 'labs', 'stack', 'ssh')
  mkdirSync(keyDir, { recursive: true })
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'stack', '-f', join(keyDir, 'id_ed25519')])
  const fp = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(keyDir, 'id_ed25519.pub')])
  expect(fp.stdout).toMatch(/SHA256:\S+ stack \(ED25519\)/)

  // The log says what ran, word for word.
  const log = readFileSync(logFile, 'utf8')
  expect(log).toContain(JSON.stringify(qemuUri))
  expect(log).toContain('"qemu:///system?socket=/nonexistent"')
  expect(log).toContain(JSON.stringify(join(keyDir, 'id_ed25519.pub')))
  expect(log).toContain('"-C","stack"')
  expect(log).not.toContain('***')
})

it("the guest's password is masked where the guest's own output is quoted, and only there", async () => {
  await readAdminRc(client, keystonerc('qemu'))
  // What a failing remote command on the controller printed, as install and status put it in an error.
  const out = (
    await run('sh', [
      '-c',
      `. ${keystonerc('qemu')}; echo "ERROR: rejected: password: '$OS_PASSWORD', uri qemu:///system, pkg qemu-kvm"`,
    ])
  ).stdout
  expect(maskGuest(out)).toBe("ERROR: rejected: password: '***', uri qemu:///system, pkg qemu-kvm\n")
  expect(maskGuest('OS_PASSWORD=qemu and the password is stack.')).toBe(
    'OS_PASSWORD=*** and the password is ***.',
  )
})

it("Stacklab's own secret is still refused on a command line, as a whole value", async () => {
  const own = randomBytes(15).toString('base64url')
  registerSecret(own)
  try {
    for (const args of [
      [own],
      [`--password=${own}`],
      ['--root-password', `password:${own}`],
      ['-c', `echo ${own}`],
    ])
      await expect(run('sh', args)).rejects.toThrow(/refusing to start sh: argument \d+ contains a secret/)
    // Masked in what a tool printed back.
    await run('sh', ['-c', 'cat >&2; exit 1'], { stdin: `token ${own}\n` }).catch(() => undefined)
    const log = readFileSync(logFile, 'utf8')
    expect(log).not.toContain(own)
    expect(log).toContain('token ***')
  } finally {
    forgetSecret(own)
  }
})
