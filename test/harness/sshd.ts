// Test harness: a real OpenSSH server on 127.0.0.1 with its own host key, a client key that may log in as
// the current user, and a known_hosts file that pins the host key. Nothing of the user's ~/.ssh is touched.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestSshd {
  port: number
  dir: string
  /** Private key (OpenSSH format) allowed to log in. */
  clientKey: string
  knownHosts: string
  hostKeyFingerprint: string
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export async function startTestSshd(extraConfig = ''): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'stacklab-sshd-'))
  const key = (name: string) =>
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)])
  key('host_key')
  key('client_key')
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')))
  const port = await freePort()
  const hostPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ')
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`)
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      `PidFile ${join(dir, 'sshd.pid')}`,
      'Subsystem sftp internal-sftp',
      extraConfig,
    ].join('\n') + '\n',
  )
  mkdirSync('/run/sshd', { recursive: true }) // sshd's privilege separation directory
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_key.pub')], {
    encoding: 'utf8',
  }).split(' ')[1]!
  const sshd: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let log = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start: ${log}`)), 10_000)
    sshd.stderr?.on('data', (d: Buffer) => {
      log += d.toString()
      if (log.includes('Server listening')) {
        clearTimeout(timer)
        resolve()
      }
    })
    sshd.once('exit', () => {
      clearTimeout(timer)
      reject(new Error(`sshd did not start: ${log}`))
    })
  })
  return {
    port,
    dir,
    clientKey: join(dir, 'client_key'),
    knownHosts: join(dir, 'known_hosts'),
    hostKeyFingerprint: fingerprint,
    stop: async () => {
      if (sshd.exitCode === null) {
        const exited = new Promise((r) => sshd.once('exit', r))
        sshd.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
