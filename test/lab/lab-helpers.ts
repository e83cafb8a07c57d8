// Shared by the lab tests: the test bed's environment (set by test/lab/run.ts) and a small lab layout.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { defaultLab, type LabDefinitionInput } from '../../src-shared/lab'
import { xdgEnv } from '../helpers'
import { Engine } from '../../src-main/engine/engine'
import { createLogger } from '../../src-main/engine/log'
import { appPaths, type AppPaths } from '../../src-main/engine/paths'

export function labEnvironment() {
  const uri = process.env['STACKLAB_LAB_URI']
  const images = process.env['STACKLAB_LAB_IMAGES']
  const work = process.env['STACKLAB_LAB_WORK']
  const repo = process.env['STACKLAB_TEMPLATE_REPO']
  if (!uri || !images || !work || !repo)
    throw new Error('run the lab tests with `npm run test:lab` (it sets up the test bed)')
  mkdirSync(work, { recursive: true, mode: 0o700 })
  const home = join(work, `home-${process.pid}-${Math.random().toString(36).slice(2, 8)}`)
  return {
    uri,
    images,
    work,
    repo,
    home,
    xdg: xdgEnv(home),
  }
}

/**
 * The seeds' two-node lab on the offline template, sized for software emulation on a 2-core machine. Like
 * the default lab (controller 40 GiB, compute 20 GiB) its nodes have two different disk sizes, both bigger
 * than the 3 GiB template: one base serves both, each node's root grows to its own size.
 */
export function smallLab(name: string): LabDefinitionInput {
  const lab = defaultLab(name)
  lab.preset = 'debian-12-stacklab'
  lab.release = 'test'
  Object.assign(lab.nodes[0]!, { vcpus: 2, memoryMiB: 4096, diskGiB: 5 })
  Object.assign(lab.nodes[1]!, { vcpus: 1, memoryMiB: 1024, diskGiB: 4 })
  return lab
}

/** An engine with its own XDG homes, set to the test bed as a user would set it in Settings. */
export async function labEngine(
  env: ReturnType<typeof labEnvironment>,
): Promise<{ engine: Engine; paths: AppPaths }> {
  const paths = appPaths(env.xdg)
  const engine = new Engine({ host: 'cli', paths, logger: createLogger(paths.log) })
  await engine.api.call('settings.update', {
    connectionUri: env.uri,
    imagesDir: env.images,
    templateSource: env.repo,
    templateUnsigned: true,
  })
  return { engine, paths }
}
