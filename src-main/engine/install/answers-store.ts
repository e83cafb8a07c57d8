// The lab's packstack answer file on the host: the one the user saved, or one generated on the controller
// and filled with the lab's values. Kept 0600 in the lab's folder: it holds every service password.
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import type { Client } from 'ssh2'
import { nodeAddress, type LabState } from '../../../src-shared/lab'
import type { LabFiles } from '../lab/files'
import { updateAnswerText } from '../packstack/answers'
import { registerSecret } from '../secrets'
import { remote, REMOTE_ANSWERS } from './remote'

/** The answer file's lab-derived values: hosts by role, no demo, the lab's admin password. */
export function labAnswerFields(state: LabState, adminPassword: string) {
  const nodes = state.definition.nodes
  const ip = (role: string) => nodes.filter((n) => n.role === role).map(nodeAddress)
  const controller = ip('controller')[0]!
  const compute = ip('compute')
  const network = ip('network')
  return {
    adminPassword,
    provisionDemo: false,
    controllerHost: controller,
    computeHosts: compute.length ? compute : [controller],
    networkHosts: network.length ? network : [controller],
    // packstack picks the hypervisor itself (qemu without hardware virtualisation); say it outright.
    novaVirtType: state.virtType,
  }
}

/** The answer file saved for the lab; rejects when there is none. */
export function savedAnswers(files: LabFiles): Promise<string> {
  return readFile(files.answers, 'utf8')
}

/** Write the lab's answer file (0600, in a 0700 folder). */
export async function writeAnswers(files: LabFiles, text: string): Promise<void> {
  await mkdir(files.packstackDir, { recursive: true, mode: 0o700 })
  await writeFile(files.answers, text, { mode: 0o600 })
}

/** A new answer file: packstack's own, generated on the controller, with the lab's values and a new password. */
export async function generateAnswers(files: LabFiles, state: LabState, controller: Client): Promise<string> {
  await remote(controller, `rm -f ${REMOTE_ANSWERS} && packstack --gen-answer-file=${REMOTE_ANSWERS}`)
  const generated = await remote(controller, `cat ${REMOTE_ANSWERS}`)
  const password = randomBytes(12).toString('base64url')
  registerSecret(password)
  const text = updateAnswerText(generated, labAnswerFields(state, password))
  await writeAnswers(files, text)
  return text
}
