// A domain's serial console is `virsh console`, run on a pty by the console relay (console/serial.ts): the
// command line is libvirt's, made here like every other virsh call.
import { uriProblem } from '../../../src-shared/uri-policy'

/** `virsh -c URI console DOMAIN --force`: takes the console over from another client, as a terminal does. */
export function domainConsoleArgv(uri: string, domain: string): string[] {
  // The last line before a process, as in virsh.ts: a URI outside the allow-list never reaches virsh.
  const refused = uriProblem(uri)
  if (refused) throw new Error(`Not running virsh console: ${refused}`)
  return ['virsh', '-c', uri, 'console', domain, '--force']
}
