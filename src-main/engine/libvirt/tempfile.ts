// XML handed to virsh goes through a private temp file (0600 in a 0700 directory), removed afterwards.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export async function withTempFile<T>(
  name: string,
  content: string,
  use: (path: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'stacklab-'))
  try {
    const file = join(dir, name)
    await writeFile(file, content, { mode: 0o600 })
    return await use(file)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
