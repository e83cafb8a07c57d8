// Files Stacklab ships in resources/ (the serial console's pty relay, the lessons): next to the sources in
// development, next to out/ when built, or in the packaged app's resources folder.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The path of resources/<name> (a file or a folder); throws naming every place looked in. */
export function resourcePath(name: string, what = name): string {
  const candidates: string[] = []
  const packaged = (process as { resourcesPath?: string }).resourcesPath
  if (packaged) candidates.push(join(packaged, name), join(packaged, 'resources', name))
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    candidates.push(join(dir, 'resources', name))
    dir = dirname(dir)
  }
  const found = candidates.find((c) => existsSync(c))
  if (!found) throw new Error(`${what} is missing (looked in ${candidates.join(', ')})`)
  return found
}
