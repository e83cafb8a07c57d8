// One follower for everything Stacklab runs detached on a node (packstack's run, the distribution-packages
// stages' scripts): the process goes on in the guest whatever happens to the app, and the follower streams
// its log by byte offset (`tail --pid -F`) until the process ends, reconnecting after a dropped connection
// where it left off. Resolves with the exit status the wrapper wrote ('' when it ended without one).
import type { Client } from 'ssh2'
import type { LabState } from '../../../src-shared/lab'
import { Cancelled, type JobHandle } from '../jobs'
import type { LabEnv } from '../lab/env'
import { connectNode } from '../lab/node-ssh'
import { sshExec } from '../ssh/client'
import { streamRemote } from './remote'

export interface DetachedLog {
  node: string
  log: string
  rcFile: string
  /** The wrapper's process id (`setsid nohup sh -c '...; echo $? > rcFile'`). */
  pid: number
}

export async function followDetached(
  env: LabEnv,
  state: LabState,
  ref: DetachedLog,
  job: JobHandle,
  take: (chunk: Buffer) => Promise<void>,
  onLost: (reconnects: number, why: string) => Promise<void>,
): Promise<{ rc: string; reconnects: number }> {
  const files = env.store.files(state.definition.name)
  let offset = 0
  let reconnects = 0
  const feed = async (chunk: Buffer) => {
    offset += chunk.length
    await take(chunk)
  }
  for (;;) {
    job.throwIfCancelled()
    let client: Client
    try {
      client = await connectNode(files, state, ref.node, { signal: job.signal, waitMs: 10 * 60_000 })
    } catch (error) {
      if (job.signal.aborted) throw new Cancelled()
      throw error
    }
    try {
      // `tail --pid` ends when the detached wrapper does; a dropped connection ends it with no exit code.
      const code = await streamRemote(
        client,
        `tail -c +${offset + 1} --pid=${ref.pid} -F ${ref.log} 2>/dev/null`,
        feed,
        job.signal,
      )
      if (job.signal.aborted) throw new Cancelled()
      if (code === null) {
        reconnects++
        await onLost(reconnects, `connection to ${ref.node} lost`)
        continue
      }
      // Whatever it wrote between tail's last read and its end.
      if ((await streamRemote(client, `tail -c +${offset + 1} ${ref.log}`, feed, job.signal)) === null)
        continue
      const rc = (await sshExec(client, `cat ${ref.rcFile} 2>/dev/null`)).stdout.trim()
      if (rc === '' && (await sshExec(client, `kill -0 ${ref.pid} 2>/dev/null`)).code === 0) continue
      return { rc, reconnects }
    } catch (error) {
      if (job.signal.aborted || error instanceof Cancelled) throw new Cancelled()
      reconnects++
      await onLost(reconnects, `connection to ${ref.node} lost (${(error as Error).message})`)
      await new Promise((r) => setTimeout(r, 2000))
    } finally {
      client.end()
    }
  }
}
