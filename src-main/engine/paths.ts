// Where Stacklab keeps its files: the platform's usual places (XDG base directories on Linux).
import { homedir } from 'node:os'
import { join } from 'node:path'

export interface AppPaths {
  config: string
  data: string
  state: string
  cache: string
  /** The app's log file (JSON lines). */
  log: string
}

type Env = Record<string, string | undefined>

function xdg(env: Env, name: string, fallback: string): string {
  const value = env[name]
  // The XDG spec says relative paths are invalid and must be ignored.
  return value && value.startsWith('/') ? value : fallback
}

export function appPaths(env: Env = process.env, platform = process.platform, home = homedir()): AppPaths {
  if (platform === 'darwin') {
    const support = join(home, 'Library', 'Application Support', 'Stacklab')
    return {
      config: support,
      data: support,
      state: support,
      cache: join(home, 'Library', 'Caches', 'Stacklab'),
      log: join(home, 'Library', 'Logs', 'Stacklab', 'stacklab.log'),
    }
  }
  if (platform === 'win32') {
    const roaming = env['APPDATA'] ?? join(home, 'AppData', 'Roaming')
    const local = env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local')
    return {
      config: join(roaming, 'Stacklab'),
      data: join(local, 'Stacklab'),
      state: join(local, 'Stacklab'),
      cache: join(local, 'Stacklab', 'Cache'),
      log: join(local, 'Stacklab', 'stacklab.log'),
    }
  }
  const state = join(xdg(env, 'XDG_STATE_HOME', join(home, '.local', 'state')), 'stacklab')
  return {
    config: join(xdg(env, 'XDG_CONFIG_HOME', join(home, '.config')), 'stacklab'),
    data: join(xdg(env, 'XDG_DATA_HOME', join(home, '.local', 'share')), 'stacklab'),
    state,
    cache: join(xdg(env, 'XDG_CACHE_HOME', join(home, '.cache')), 'stacklab'),
    log: join(state, 'stacklab.log'),
  }
}
