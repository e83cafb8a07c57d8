// Running virsh: always with an explicit connection, the C locale (stable messages to classify), and
// errors turned into LibvirtError.
import type { Run, RunOptions } from '../exec'
import { toLibvirtError } from './errors'

export interface Virsh {
  readonly uri: string
  (args: readonly string[], options?: RunOptions): Promise<string>
}

export function createVirsh(run: Run, uri: string, virshPath = 'virsh'): Virsh {
  const virsh = async (args: readonly string[], options: RunOptions = {}) => {
    try {
      const result = await run(virshPath, ['--quiet', '--connect', uri, ...args], {
        timeoutMs: 30_000,
        ...options,
        env: { LC_ALL: 'C', LANG: 'C', ...options.env },
      })
      return result.stdout
    } catch (error) {
      throw toLibvirtError(error)
    }
  }
  return Object.assign(virsh, { uri })
}
