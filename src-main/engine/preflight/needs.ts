// What the default lab (the seeds' controller + compute) needs from the host. Preflight compares the host
// against these; a lab definition with other sizes will compute its own.
export const DEFAULT_LAB_NEEDS = {
  /** controller 8 GiB (packstack all-in-one services) + compute 4 GiB. */
  memoryMiB: 12 * 1024,
  /** Below this not even a one-node lab fits. */
  minMemoryMiB: 6 * 1024,
  /** Cached base image, two copy-on-write overlays, and what packstack writes into them. */
  diskGiB: 30,
  minDiskGiB: 10,
} as const
