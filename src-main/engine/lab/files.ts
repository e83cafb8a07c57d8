// Where a lab's private files are, in one place: its folder under the data directory (0700), with its state,
// the root password, the login key, each node's host key, customisation scratch files, and the packstack
// answer file and run logs. Everything that reads or writes one of them asks labFiles for its path.
import { join } from 'node:path'

/** The login key's file name in the lab's ssh folder (and `.pub`). */
export const LOGIN_KEY_NAME = 'id_ed25519'
/** A node's host key's file name in its host key folder (and `.pub`). */
export const HOST_KEY_NAME = 'ssh_host_ed25519_key'

export interface LabFiles {
  /** The lab's folder: DATA/labs/LAB. */
  dir: string
  /** The lab's state (written atomically after every step). */
  state: string
  secretsDir: string
  /** The nodes' root password (0600), read by the tools that set it. */
  rootPassword: string
  sshDir: string
  /** root's login key on every node. */
  loginKey: string
  loginKeyPub: string
  /** The host keys Stacklab made for a node (their fingerprints are pinned). */
  hostKeyDir(node: string): string
  hostKeyPub(node: string): string
  /** Scratch files for a node's customisation (0700), removed once applied. */
  workDir(node: string): string
  packstackDir: string
  /** The answer file the install uses (it holds every service password). */
  answers: string
  /** Stacklab's copy of one packstack run's log. */
  runLog(run: string): string
  /** Where the lab stands in each lesson (lessons/progress.ts). */
  lessons: string
}

/** The folder that holds every lab's folder. */
export function labsRoot(dataDir: string): string {
  return join(dataDir, 'labs')
}

export function labFiles(dataDir: string, lab: string): LabFiles {
  const dir = join(labsRoot(dataDir), lab)
  const secretsDir = join(dir, 'secrets')
  const sshDir = join(dir, 'ssh')
  const packstackDir = join(dir, 'packstack')
  const hostKeyDir = (node: string) => join(sshDir, 'host-keys', node)
  return {
    dir,
    state: join(dir, 'state.json'),
    secretsDir,
    rootPassword: join(secretsDir, 'root-password'),
    sshDir,
    loginKey: join(sshDir, LOGIN_KEY_NAME),
    loginKeyPub: join(sshDir, `${LOGIN_KEY_NAME}.pub`),
    hostKeyDir,
    hostKeyPub: (node) => join(hostKeyDir(node), `${HOST_KEY_NAME}.pub`),
    workDir: (node) => join(dir, 'work', node),
    packstackDir,
    answers: join(packstackDir, 'answers.txt'),
    runLog: (run) => join(packstackDir, `${run}.log`),
    lessons: join(dir, 'lessons.json'),
  }
}
