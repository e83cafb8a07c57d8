// Running virsh: always with an explicit connection, the C locale (stable messages to classify), and
// errors turned into LibvirtError.
import type { Run, RunOptions } from '../exec'
import { LibvirtError, toLibvirtError } from './errors'
import { uriProblem } from '../../../src-shared/uri-policy'

export interface Virsh {
  readonly uri: string
  (args: readonly string[], options?: RunOptions): Promise<string>
}

export function createVirsh(run: Run, uri: string, virshPath = 'virsh'): Virsh {
  // Every URI is checked where it enters (calls, the settings file); this is the last line before a process:
  // a URI outside the allow-list never reaches virsh, whatever path it took.
  const refused = uriProblem(uri)
  const virsh = async (args: readonly string[], options: RunOptions = {}) => {
    if (refused)
      throw new LibvirtError('unsupported', `Not running virsh: ${refused}`, refused, [virshPath, ...args])
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
