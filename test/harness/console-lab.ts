// Test harness: a lab whose one node is a real OpenSSH server, for console tests without a VM. The sshd
// also listens on port 22 of a random 127.x.y.z address (a node's SSH is always port 22), and the lab's
// state is a genuine LabState as the pipeline writes it: the node's address, the host key fingerprint
// recorded for it, and the lab's login key in data/labs/<lab>/ssh/id_ed25519.
import { createHash, randomBytes } from 'node:crypto'
import { copyFileSync, createWriteStream, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { LabDefinition, type LabState } from '../../src-shared/lab'
import { LabStore } from '../../src-main/engine/lab/store'
import { startTestSshd, type TestSshd } from './sshd'

export interface ConsoleLab {
  sshd: TestSshd
  lab: string
  node: string
  address: string
  store: LabStore
  stop(): Promise<void>
}

/** A random loopback address (Linux routes all of 127/8 to lo), so runs side by side do not collide. */
function loopbackAddress(): { address: string; subnet: string } {
  const r = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo))
  const a = r(100, 200)
  return { address: `127.${a}.${r(0, 250)}.${r(2, 250)}`, subnet: `127.${a}.0.0/16` }
}

export function consoleLabState(
  name: string,
  node: string,
  address: string,
  subnet: string,
  fingerprint: string,
  domain = `${name}-${node}`,
): LabState {
  const definition = LabDefinition.parse({
    name,
    preset: 'debian-12-stacklab',
    release: 'test',
    domain: 'example.com',
    networks: [{ name: 'default', mode: 'nat', subnet }],
    nodes: [
      {
        name: node,
        role: 'controller',
        vcpus: 1,
        memoryMiB: 4096,
        diskGiB: 10,
        nics: [{ network: 'default', ip: address }],
      },
    ],
  })
  return {
    version: 1,
    definition,
    status: 'ready',
    createdAt: new Date().toISOString(),
    stepsDone: [],
    resources: { networks: [], domains: [domain], disks: [], intents: [] },
    nodes: {
      [node]: {
        domain,
        disk: `/var/lib/libvirt/images/${name}/${node}.qcow2`,
        macs: ['52:54:00:12:34:56'],
        address,
        hostKeyFingerprint: fingerprint,
      },
    },
    virtType: 'qemu',
    loginKeyFingerprint: null,
    lastError: null,
    ownerPid: null,
  }
}

/**
 * Start the sshd and write the lab `name` (node `controller`) into the engine's data directory. `sshdConfig`
 * adds lines to the sshd's configuration (the lesson tests give sessions a folder with SetEnv).
 */
export async function startConsoleLab(
  dataDir: string,
  name = 'conlab',
  node = 'controller',
  sshdConfig = '',
): Promise<ConsoleLab> {
  const { address, subnet } = loopbackAddress()
  const sshd = await startTestSshd(`ListenAddress ${address}:22\n${sshdConfig}`)
  const store = new LabStore(dataDir)
  await store.save(consoleLabState(name, node, address, subnet, sshd.hostKeyFingerprint))
  const keyDir = join(store.dir(name), 'ssh')
  mkdirSync(keyDir, { recursive: true, mode: 0o700 })
  copyFileSync(sshd.clientKey, join(keyDir, 'id_ed25519'))
  copyFileSync(`${sshd.clientKey}.pub`, join(keyDir, 'id_ed25519.pub'))
  // Stopping removes the lab's state too, so the tests that follow see the engine as they left it.
  const stop = async () => {
    await sshd.stop()
    await store.remove(name)
  }
  return { sshd, lab: name, node, address, store, stop }
}

/** Writes a file of `bytes` random bytes as base64 lines; returns its sha256 (computed while writing). */
export async function floodFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256')
  const out = createWriteStream(path)
  for (let done = 0; done < bytes;) {
    const n = Math.min(57 * 16384, bytes - done) // 57 bytes = one 76-character base64 line
    const b64 = randomBytes(n).toString('base64')
    const lines = (b64.match(/.{1,76}/g) ?? []).join('\n') + '\n'
    hash.update(lines)
    if (!out.write(lines)) await new Promise<void>((r) => out.once('drain', () => r()))
    done += n
  }
  await new Promise<void>((r) => out.end(r))
  return hash.digest('hex')
}
