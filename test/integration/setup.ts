// Integration setup: one real libvirtd (test driver and QEMU driver) for the whole run, and a built CLI.
import { existsSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import type { TestProject } from 'vitest/node'
import { startTestLibvirtd } from '../harness/libvirtd'

declare module 'vitest' {
  export interface ProvidedContext {
    libvirt: { testUri: string; qemuUri: string; socket: string }
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync('out/main/cli.js') || !existsSync('out/renderer/index.html')) {
    execFileSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' })
  }
  const daemon = await startTestLibvirtd('it')
  project.provide('libvirt', { testUri: daemon.testUri, qemuUri: daemon.qemuUri, socket: daemon.socket })
  return () => daemon.stop()
}
