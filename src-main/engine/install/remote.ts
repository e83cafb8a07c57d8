// What the install runs on the nodes over SSH: one command at a time (a non-zero exit is an error), the
// packstack set-up per OS family, the controller's trust in every node, packstack started detached (its own
// session, output to a log file, exit status to a file) and its output streamed back as it arrives.
import type { Client } from 'ssh2'
import { GuestCommandError } from '../../../src-shared/failures'
import type { InstallRun } from '../../../src-shared/install'
import { nodeAddress, type LabState } from '../../../src-shared/lab'
import type { LabFiles } from '../lab/files'
import { nodeHostKeyLine } from '../lab/node-ssh'
import { maskGuest } from '../secrets'
import { sshExec } from '../ssh/client'

/** On the controller. */
export const REMOTE_ANSWERS = '/root/stacklab-answers.txt'
export const REMOTE_LOG_DIR = '/var/log/stacklab'

/** One remote command; a non-zero exit is an error carrying its output. */
export async function remote(client: Client, command: string, stdin?: string): Promise<string> {
  const r = await sshExec(client, command, stdin !== undefined ? { stdin } : {})
  if (r.code !== 0)
    throw new GuestCommandError(
      command.split(' ')[0] ?? '',
      r.code,
      maskGuest((r.stderr || r.stdout).trim().slice(-600)),
    )
  return r.stdout
}

/** The commands that bring packstack for a release onto a fresh node of each OS family. */
export function packstackSetupCommands(osFamily: string, release: string, eol: boolean): string[] {
  const vault =
    "sed -i -e 's/^mirrorlist=/#mirrorlist=/' -e 's|^#\\s*baseurl=http://mirror.centos.org|baseurl=http://vault.centos.org|' /etc/yum.repos.d/CentOS-*.repo"
  switch (osFamily) {
    case 'rhel7':
      return [
        ...(eol ? [vault] : []),
        `yum install -y centos-release-openstack-${release}`,
        ...(eol ? [vault] : []),
        'yum install -y openstack-packstack',
      ]
    case 'rhel8':
      return [
        ...(eol ? [vault] : []),
        'dnf config-manager --enable powertools',
        `dnf install -y centos-release-openstack-${release}`,
        ...(eol ? [vault] : []),
        'dnf install -y openstack-packstack',
      ]
    case 'rhel9':
      return [
        'dnf config-manager --enable crb',
        `dnf install -y centos-release-openstack-${release}`,
        'dnf install -y openstack-packstack',
      ]
    default:
      return []
  }
}

/** Packstack on the controller logs into every node as root: give it a key and the pinned host keys. */
export async function trustController(
  files: LabFiles,
  state: LabState,
  controller: Client,
  clients: Client[],
): Promise<void> {
  const pub = (
    await remote(
      controller,
      "test -f /root/.ssh/id_rsa || ssh-keygen -q -t rsa -b 3072 -N '' -f /root/.ssh/id_rsa; cat /root/.ssh/id_rsa.pub",
    )
  ).trim()
  const addLine =
    'mkdir -p -m 0700 /root/.ssh; while IFS= read -r l; do grep -qxF "$l" FILE 2>/dev/null || printf "%s\\n" "$l" >> FILE; done; chmod 0600 FILE'
  for (const c of clients)
    await remote(c, addLine.replaceAll('FILE', '/root/.ssh/authorized_keys'), `${pub}\n`)
  const known: string[] = []
  for (const n of state.definition.nodes) {
    const key = await nodeHostKeyLine(files, n.name)
    known.push(`${nodeAddress(n)},${n.name}.${state.definition.domain},${n.name} ${key}`)
  }
  await remote(controller, addLine.replaceAll('FILE', '/root/.ssh/known_hosts'), known.join('\n') + '\n')
}

/** Start packstack detached with the uploaded answer file; resolves with the process id of its wrapper. */
export async function startDetached(controller: Client, run: InstallRun): Promise<number> {
  const out = await remote(
    controller,
    `mkdir -p ${REMOTE_LOG_DIR} && cd /root && ` +
      `(setsid nohup sh -c 'packstack --answer-file=${REMOTE_ANSWERS} > ${run.log} 2>&1; echo $? > ${run.rcFile}' ` +
      '> /dev/null 2>&1 < /dev/null & echo $!)',
  )
  const pid = Number(out.trim())
  if (!Number.isInteger(pid)) throw new Error(`packstack did not start: ${out.trim()}`)
  return pid
}

/** Run a command and hand its stdout over as it arrives. Resolves with the exit code, or null if cut off. */
export function streamRemote(
  client: Client,
  command: string,
  onData: (chunk: Buffer) => Promise<void>,
  signal: AbortSignal,
): Promise<number | null> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error)
      let queue = Promise.resolve()
      let code: number | null = null
      const onAbort = () => stream.close()
      signal.addEventListener('abort', onAbort, { once: true })
      stream.on('data', (d: Buffer) => {
        stream.pause()
        queue = queue.then(() => onData(d)).finally(() => stream.resume())
      })
      stream.stderr.resume()
      stream.on('exit', (c: number | null) => (code = typeof c === 'number' ? c : null))
      stream.on('close', () => {
        signal.removeEventListener('abort', onAbort)
        void queue.then(() => resolve(code), reject)
      })
      client.once('close', () => void queue.then(() => resolve(null), reject))
    })
  })
}
