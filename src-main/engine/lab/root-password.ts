// The lab's root password: made once (random unless the user gave one), kept only in a 0600 file the tools
// read (never on a command line), registered for redaction, and offered to the desktop keyring.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { LabState } from '../../../src-shared/lab'
import { exists } from '../provision/image'
import { registerSecret } from '../secrets'
import type { LabEnv } from './env'
import { rootPasswordFile } from './provision-node'

/** The lab's root password file, made on the first run and read (and registered as a secret) after. */
export async function passwordFileOf(env: LabEnv, state: LabState, given?: string): Promise<string> {
  const files = env.store.files(state.definition.name)
  if (await exists(files.rootPassword)) {
    registerSecret((await readFile(files.rootPassword, 'utf8')).trim())
    return files.rootPassword
  }
  // Random unless the user set one; kept only in a 0600 file the tools read.
  return rootPasswordFile(files, given ?? randomBytes(15).toString('base64url'))
}

export async function storeInKeyring(env: LabEnv, lab: string, passwordFile: string): Promise<boolean> {
  // The desktop keyring, where there is one (secret-tool reads the secret from stdin).
  try {
    await env.run(
      'secret-tool',
      ['store', '--label', `Stacklab lab ${lab} root password`, 'application', 'stacklab', 'lab', lab],
      {
        stdin: (await readFile(passwordFile, 'utf8')).trim(),
        timeoutMs: 5000,
      },
    )
    return true
  } catch {
    return false
  }
}
