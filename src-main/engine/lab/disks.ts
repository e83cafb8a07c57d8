// Node disks on the host: who may read them and which ones Stacklab may touch. A node's overlay holds its
// host private keys, the root password hash and later OpenStack's passwords, so disk files are 0600 and
// their folders 0711: nobody else can list or read them, while QEMU under qemu:///system still reaches a
// file by its path (libvirt's DAC driver hands the file to QEMU's user while the VM runs and gives it back
// after). Stacklab creates a disk file only where none is, and overwrites or deletes one only when the lab's
// records say it made it and it lies in the lab's own folder of the images directory.
import { chmod, lstat, mkdir, open } from 'node:fs/promises'
import { dirname, isAbsolute, join, normalize } from 'node:path'
import type { LabState } from '../../../src-shared/lab'
import { BASE_IMAGE_DIR } from '../../../src-shared/lab'

export const DISK_DIR_MODE = 0o711
export const DISK_FILE_MODE = 0o600
/**
 * Base images are 0644: they hold only the public template (built with no root password; every node gets
 * its own password and host keys in its overlay). libvirt hands a backing file to QEMU's user while any VM
 * on it runs, so a 0600 base would lock a non-root Stacklab user out of making the next overlay on it.
 */
export const BASE_FILE_MODE = 0o644

/** Make (or tighten, when an older version made it 0755) a folder of disk files: 0711, whatever the umask. */
export async function diskFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: DISK_DIR_MODE })
  await chmod(path, DISK_DIR_MODE)
}

/** A disk file to 0600 (the tools that write disks create them with the umask's mode). */
export async function tightenDisk(path: string): Promise<void> {
  await chmod(path, DISK_FILE_MODE)
}

/** A base image to 0644 (see BASE_FILE_MODE): readable, never writable, by others. */
export async function settleBase(path: string): Promise<void> {
  await chmod(path, BASE_FILE_MODE)
}

export class ForeignDiskError extends Error {
  constructor(readonly path: string) {
    super(`${path} already exists and Stacklab did not make it: it never overwrites a file it did not make`)
    this.name = 'ForeignDiskError'
  }
}

/**
 * Take the path for a new disk: an empty 0600 file created only if nothing (not even a dangling link) is
 * there. The tool that writes the disk then fills this file, so its mode is 0600 from the start.
 */
export async function reserveDisk(path: string): Promise<void> {
  try {
    const handle = await open(path, 'wx', DISK_FILE_MODE)
    await handle.close()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ForeignDiskError(path)
    throw error
  }
  await tightenDisk(path)
}

/** Is anything (a file, a folder, a link, even a dangling one) at this path? */
export async function present(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch {
    return false
  }
}

/** The lab's own folder in the images directory. */
export function labDiskFolder(imagesDir: string, lab: string): string {
  return join(normalize(imagesDir), lab)
}

/** Do the lab's records (made or announced) list this disk? */
export function recordsDisk(state: LabState, path: string): boolean {
  const r = state.resources
  return r.disks.includes(path) || r.intents.some((i) => i.kind === 'disk' && i.name === path)
}

/** Why Stacklab must not delete or overwrite this recorded disk path, or null when it may. */
export function diskPathProblem(imagesDir: string, lab: string, path: string): string | null {
  if (!isAbsolute(path) || normalize(path) !== path)
    return `${path} is not a plain absolute path; Stacklab only removes disks it made in ${labDiskFolder(imagesDir, lab)}`
  if (dirname(path) !== labDiskFolder(imagesDir, lab) || !path.endsWith('.qcow2'))
    return `${path} is outside the lab's folder ${labDiskFolder(imagesDir, lab)} of the images directory; Stacklab leaves it alone (set the images directory back to where the lab was made, or remove the file yourself)`
  return null
}

/**
 * Whether a VM's disk file may be deleted with the VM (the generic "delete with disks" action): never a
 * shared base image (every lab's overlays read it), never a disk another lab's records say it made.
 */
export function vmDiskProblem(
  imagesDir: string | null,
  labs: readonly LabState[],
  domain: string,
  path: string,
): string | null {
  if (imagesDir && path.startsWith(join(normalize(imagesDir), BASE_IMAGE_DIR) + '/'))
    return `${path} is a Stacklab base image that lab disks are built on; it is never deleted with a VM`
  for (const lab of labs) {
    if (recordsDisk(lab, path) && !lab.resources.domains.includes(domain))
      return `${path} is a disk of lab ${lab.definition.name}; delete that lab instead`
  }
  return null
}
