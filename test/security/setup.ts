// Security tests' setup: the built app (the CLI and the browser host run as a user runs them).
import { existsSync } from 'node:fs'
import { execFileSync } from 'node:child_process'

export default function setup(): void {
  if (!existsSync('out/main/cli.js') || !existsSync('out/renderer/index.html'))
    execFileSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' })
}
