// The two-node lab the real-OpenStack tests build from the debian-12-openstack template: a controller big
// enough for every service (and Cinder's data disk), a compute node for the instances.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Engine } from '../../src-main/engine/engine'
import type { LabFiles } from '../../src-main/engine/lab/files'
import { connectNode } from '../../src-main/engine/lab/node-ssh'
import { sshExec } from '../../src-main/engine/ssh/client'
import { defaultLab, type LabDefinitionInput } from '../../src-shared/lab'
import { serveWithSettings } from '../harness/serve'
import type { labEnvironment } from '../lab/lab-helpers'

export function openstackLab(name: string): LabDefinitionInput {
  const lab = defaultLab(name, 'debian-12-openstack')
  Object.assign(lab.nodes[0]!, { vcpus: 2, memoryMiB: 6144, diskGiB: 8, dataDiskGiB: 4 })
  Object.assign(lab.nodes[1]!, { vcpus: 1, memoryMiB: 2560, diskGiB: 6 })
  return lab
}

/** `stacklab serve` on the test's own homes and settings: the app as a user opens it on the same lab. */
export async function serveLabApp(env: ReturnType<typeof labEnvironment>) {
  const settings = JSON.parse(
    await readFile(join(env.xdg.XDG_CONFIG_HOME, 'stacklab', 'settings.json'), 'utf8'),
  ) as Record<string, unknown>
  return serveWithSettings(env.home, settings)
}

/** Runs a command on a node of the lab over SSH (its recorded key and host key); its stdout, or it throws. */
export async function onLabNode(
  engine: Engine,
  files: LabFiles,
  lab: string,
  node: string,
  command: string,
): Promise<string> {
  const state = await engine.api.call('lab.get', { name: lab })
  const client = await connectNode(files, state, node)
  try {
    const r = await sshExec(client, command)
    if (r.code !== 0) throw new Error(`${command}: exit ${r.code}: ${r.stderr || r.stdout}`)
    return r.stdout
  } finally {
    client.end()
  }
}
