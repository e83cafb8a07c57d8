// Quitting the desktop app stops the engine first (event streams, console sessions, child processes), once,
// however many times Electron asks, and without hanging the quit when stopping fails or takes too long.

export interface QuitEvent {
  preventDefault(): void
}

/**
 * A `before-quit` listener: the first quit is held until `close()` settles (or `timeoutMs` passes), then
 * `quit()` runs again and goes through. Quits asked for meanwhile wait for the same close.
 */
export function closeBeforeQuit(
  close: () => Promise<void>,
  quit: () => void,
  options: { timeoutMs?: number; onError?: (error: unknown) => void } = {},
): (event: QuitEvent) => void {
  let state: 'running' | 'closing' | 'closed' = 'running'
  return (event) => {
    if (state === 'closed') return
    event.preventDefault()
    if (state === 'closing') return
    state = 'closing'
    let timer: NodeJS.Timeout | undefined
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.timeoutMs ?? 5000)
    })
    void Promise.race([close().catch((error: unknown) => options.onError?.(error)), limit]).then(() => {
      clearTimeout(timer)
      state = 'closed'
      quit()
    })
  }
}
