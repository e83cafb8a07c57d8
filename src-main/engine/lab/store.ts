// Lab state on disk: one JSON file a lab, written atomically after every pipeline step, so a crash or a
// kill loses at most the step that was running.
import { readdir, readFile, rm } from 'node:fs/promises'
import { LabState } from '../../../src-shared/lab'
import { writeFileAtomic } from '../atomic'
import { labFiles, labsRoot, type LabFiles } from './files'

export class LabStore {
  readonly root: string

  constructor(private readonly dataDir: string) {
    this.root = labsRoot(dataDir)
  }

  /** Where the lab's files are (files.ts). */
  files(name: string): LabFiles {
    return labFiles(this.dataDir, name)
  }

  dir(name: string): string {
    return this.files(name).dir
  }

  async get(name: string): Promise<LabState | null> {
    try {
      return LabState.parse(JSON.parse(await readFile(this.files(name).state, 'utf8')))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  }

  async save(state: LabState): Promise<void> {
    await writeFileAtomic(this.files(state.definition.name).state, JSON.stringify(state, null, 2))
  }

  async list(): Promise<LabState[]> {
    let names: string[] = []
    try {
      names = await readdir(this.root)
    } catch {
      return []
    }
    const labs: LabState[] = []
    for (const n of names.sort()) {
      const s = await this.get(n).catch(() => null)
      if (s) labs.push(s)
    }
    return labs
  }

  async remove(name: string): Promise<void> {
    await rm(this.dir(name), { recursive: true, force: true })
  }
}
