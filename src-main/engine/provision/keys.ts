// SSH keys Stacklab makes for a lab: one login key pair for root on every node, and per-node host keys whose
// fingerprints are known before the first connection (so no connection ever trusts blindly).
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Run } from '../exec'

export interface KeyPair {
  private: string
  public: string
  type: string
  /** `SHA256:...`, as ssh-keygen -l prints it. */
  fingerprint: string
}

export async function generateKey(
  run: Run,
  dir: string,
  name: string,
  comment: string,
  type: 'ed25519' = 'ed25519',
): Promise<KeyPair> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const file = join(dir, name)
  await run('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', comment, '-f', file])
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`])
  return { private: file, public: `${file}.pub`, type, fingerprint: stdout.split(' ')[1] ?? '' }
}
