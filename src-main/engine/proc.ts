// Facts about other processes on this host.
import { readFileSync } from 'node:fs'

/** Is the process running? A zombie nobody reaped (a killed engine can linger as one) counts as gone. */
export function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'
  } catch {
    // No /proc (not Linux): ask the kernel whether the pid exists.
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
}
