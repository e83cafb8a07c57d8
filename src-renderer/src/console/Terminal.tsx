// One console session in xterm.js: output written with the engine's flow control (acknowledged from the
// write callback), keys and pastes sent back, the size followed (fit addon), search in the output, copy and
// paste with Ctrl+Shift+C/V, and the WebGL renderer only while the tab is visible (the DOM renderer when
// hidden, and as the fallback when the GPU context is lost). A terminal lives outside React, keyed by its
// session, so it keeps receiving output while another page is shown; the component only places it.
import { useEffect, useRef, useState } from 'react'
import { Terminal } from '@xterm/xterm'
import { FitAddon } from '@xterm/addon-fit'
import { SearchAddon } from '@xterm/addon-search'
import { WebglAddon } from '@xterm/addon-webgl'
import '@xterm/xterm/css/xterm.css'
import './console.css'
import type { LabApi } from '../../../src-shared/api'
import {
  AckBatcher,
  HIGH_WATERMARK,
  MAX_WRITE_CHARS,
  utf8Length,
  type ConsoleExitEvent,
  type ConsoleInfo,
} from '../../../src-shared/console'
import { useT } from '../i18n'
import { guestClipboard } from './clipboard'

interface Live {
  term: Terminal
  host: HTMLDivElement
  fit: FitAddon
  search: SearchAddon
  webgl: WebglAddon | null
  exit: ConsoleExitEvent | null
  exitListeners: Set<(e: ConsoleExitEvent | null) => void>
  dispose: () => void
}

const lives = new Map<string, Live>()
/** Characters per xterm.js write (see onData in liveFor). */
const WRITE_PIECE = 8192

/**
 * One listener per connection for all console output, installed before any session is opened: output that
 * arrives before a session's terminal exists (the first prompt, right after `console.open` answers) waits
 * here instead of being lost. Output of sessions never shown here is kept only up to the flow-control window.
 */
interface Early {
  data: string[]
  bytes: number
  exit: ConsoleExitEvent | null
}
const early = new Map<string, Early>()
const handlers = new Map<string, { data: (d: string) => void; exit: (e: ConsoleExitEvent) => void }>()
let dispatching: LabApi | null = null

export function listenForConsoles(api: LabApi): void {
  if (dispatching === api) return
  dispatching = api
  const pending = (id: string) => {
    let e = early.get(id)
    if (!e) early.set(id, (e = { data: [], bytes: 0, exit: null }))
    return e
  }
  api.on('console.data', (e) => {
    const h = handlers.get(e.id)
    if (h) return h.data(e.data)
    const p = pending(e.id)
    p.data.push(e.data)
    p.bytes += e.data.length
    while (p.bytes > HIGH_WATERMARK * 2 && p.data.length > 1) p.bytes -= p.data.shift()!.length
  })
  api.on('console.exit', (e) => {
    const h = handlers.get(e.id)
    if (h) return h.exit(e)
    pending(e.id).exit = e
  })
}

/**
 * Whether WebGL here is drawn by a GPU. A software rasteriser (Chromium's SwiftShader with the GPU off or
 * blocklisted, Mesa's llvmpipe) draws every frame of a streaming terminal on the main thread's budget: the
 * DOM renderer is far cheaper there (bench/renderer.ts, console flood).
 */
let hardware: boolean | undefined
function hardwareWebgl(): boolean {
  if (hardware !== undefined) return hardware
  try {
    const gl = document.createElement('canvas').getContext('webgl2')
    if (!gl) return (hardware = false)
    const info = gl.getExtension('WEBGL_debug_renderer_info')
    const name = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER))
    gl.getExtension('WEBGL_lose_context')?.loseContext()
    hardware = !/swiftshader|llvmpipe|softpipe|software/i.test(name)
  } catch {
    hardware = false
  }
  return hardware
}

const DECORATIONS = {
  matchBackground: '#5a4a00',
  activeMatchBackground: '#b58900',
  matchOverviewRuler: '#b58900',
  activeMatchColorOverviewRuler: '#ffd75f',
}

/** The terminal of a session, made on first use (a session opened elsewhere acks what it already sent). */
function liveFor(api: LabApi, info: ConsoleInfo): Live {
  const known = lives.get(info.id)
  if (known) return known
  const id = info.id
  const term = new Terminal({
    cols: info.cols,
    rows: info.rows,
    scrollback: 10_000,
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
    fontSize: 13,
    cursorBlink: true,
    allowProposedApi: true,
    theme: { background: '#0b1118', foreground: '#d8dee9' },
  })
  const fit = new FitAddon()
  const search = new SearchAddon()
  term.loadAddon(fit)
  term.loadAddon(search)
  guestClipboard(term) // OSC 52: programs in the node may set the clipboard, never read it
  const host = document.createElement('div')
  host.className = 'console-xterm'
  const acks = new AckBatcher((bytes) => void api.call('console.ack', { id, bytes }).catch(() => {}))
  // A session whose output went to another window: what that window did not acknowledge is released here.
  if (info.unacked > 0 && !early.has(id))
    void api.call('console.ack', { id, bytes: info.unacked }).catch(() => {})
  const send = (data: string) => {
    for (let at = 0; at < data.length; at += MAX_WRITE_CHARS)
      void api.call('console.write', { id, data: data.slice(at, at + MAX_WRITE_CHARS) }).catch(() => {})
  }
  const live: Live = {
    term,
    host,
    fit,
    search,
    webgl: null,
    exit: info.exit ? { id, code: info.exit.code, reason: info.exit.reason } : null,
    exitListeners: new Set(),
    dispose: () => {},
  }
  // Large output goes to xterm.js in pieces: it parses a whole write before yielding, so one big chunk is
  // one long task. Each piece is acknowledged once parsed; a cut never splits a surrogate pair.
  const onData = (data: string) => {
    for (let at = 0; at < data.length;) {
      let end = Math.min(data.length, at + WRITE_PIECE)
      const c = data.charCodeAt(end)
      if (end < data.length && c >= 0xdc00 && c <= 0xdfff) end++
      const piece = data.slice(at, end)
      const bytes = utf8Length(piece)
      term.write(piece, () => acks.written(bytes))
      at = end
    }
  }
  const onExit = (e: ConsoleExitEvent) => {
    live.exit = e
    live.exitListeners.forEach((l) => l(e))
  }
  listenForConsoles(api)
  handlers.set(id, { data: onData, exit: onExit })
  const waiting = early.get(id)
  early.delete(id)
  if (waiting) {
    waiting.data.forEach(onData)
    if (waiting.exit) onExit(waiting.exit)
  }
  const input = term.onData((data) => {
    if (!live.exit) send(data)
  })
  const resize = term.onResize(({ cols, rows }) => {
    void api.call('console.resize', { id, cols, rows }).catch(() => {})
  })
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true
    if (e.code === 'KeyC') {
      const text = term.getSelection()
      if (text) void navigator.clipboard?.writeText(text).catch(() => {})
      return false
    }
    if (e.code === 'KeyV') {
      void navigator.clipboard
        ?.readText()
        .then((text) => term.paste(text))
        .catch(() => {})
      return false
    }
    return true
  })
  live.dispose = () => {
    handlers.delete(id)
    early.delete(id)
    input.dispose()
    resize.dispose()
    acks.dispose()
    live.webgl?.dispose()
    term.dispose()
    host.remove()
    lives.delete(id)
  }
  lives.set(id, live)
  return live
}

/** Forget a session's terminal (its tab was closed). */
export function disposeTerminal(id: string): void {
  lives.get(id)?.dispose()
}

/** A restarted session continues in the same terminal. */
export function terminalRestarted(id: string): void {
  const live = lives.get(id)
  if (!live) return
  live.exit = null
  live.exitListeners.forEach((l) => l(null))
}

export function ConsoleTerminal({
  api,
  info,
  visible,
  domId,
  onReconnect,
  autoFocus = true,
}: {
  api: LabApi
  info: ConsoleInfo
  visible: boolean
  domId: string
  onReconnect: () => void
  /** Take the keyboard when shown (the Consoles page); a page with more beside the console leaves it. */
  autoFocus?: boolean
}) {
  const t = useT()
  const box = useRef<HTMLDivElement>(null)
  const [query, setQuery] = useState('')
  const [matches, setMatches] = useState<number | null>(null)
  const [exit, setExit] = useState<ConsoleExitEvent | null>(() => liveFor(api, info).exit)

  // Place the session's terminal here; it opens on first placement.
  useEffect(() => {
    const live = liveFor(api, info)
    const el = box.current
    if (!el) return
    el.appendChild(live.host)
    if (!live.term.element) live.term.open(live.host)
    const onExit = (e: ConsoleExitEvent | null) => setExit(e)
    live.exitListeners.add(onExit)
    const results = live.search.onDidChangeResults((r) => setMatches(r.resultCount))
    return () => {
      live.exitListeners.delete(onExit)
      results.dispose()
      live.host.remove()
    }
  }, [api, info])

  // Visible: follow the box's size, WebGL on when the GPU draws it (the DOM renderer otherwise, and as the
  // fallback when the context is lost).
  useEffect(() => {
    const live = liveFor(api, info)
    if (!visible || !box.current) return
    const refit = () => {
      try {
        if (box.current && box.current.clientWidth > 0) live.fit.fit()
      } catch {
        // not laid out yet
      }
    }
    const observer = new ResizeObserver(refit)
    observer.observe(box.current)
    refit()
    if (!live.webgl && hardwareWebgl()) {
      try {
        const webgl = new WebglAddon()
        webgl.onContextLoss(() => {
          webgl.dispose()
          if (live.webgl === webgl) live.webgl = null
        })
        live.term.loadAddon(webgl)
        live.webgl = webgl
      } catch {
        live.webgl = null // no WebGL here: the DOM renderer draws
      }
    }
    if (autoFocus) live.term.focus()
    return () => {
      observer.disconnect()
      live.webgl?.dispose()
      live.webgl = null
    }
  }, [api, info, visible, autoFocus])

  const find = (backwards = false) => {
    const live = liveFor(api, info)
    if (!query) {
      live.search.clearDecorations()
      setMatches(null)
      return
    }
    const found = backwards
      ? live.search.findPrevious(query, { decorations: DECORATIONS })
      : live.search.findNext(query, { decorations: DECORATIONS })
    if (!found) setMatches(0)
  }

  return (
    <div className="console-pane" hidden={!visible}>
      <div className="console-tools">
        <input
          id={visible ? 'console-search' : undefined}
          type="search"
          className="console-search"
          placeholder={t('consoles.search')}
          aria-label={t('consoles.search')}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value)
            setMatches(null)
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') find(e.shiftKey)
          }}
        />
        <button type="button" onClick={() => find(true)} aria-label={t('consoles.searchPrev')}>
          ↑
        </button>
        <button type="button" onClick={() => find()} aria-label={t('consoles.searchNext')}>
          ↓
        </button>
        <span
          className="console-matches"
          id={visible ? 'console-search-count' : undefined}
          data-count={matches ?? ''}
          aria-live="polite"
        >
          {matches === null
            ? ''
            : matches === 0
              ? t('consoles.noMatch')
              : t('consoles.matches', { count: matches })}
        </span>
        <span className="console-hint muted">
          {info.kind === 'serial' ? t('consoles.serialHint') : t('consoles.copyHint')}
        </span>
      </div>
      {exit && (
        <div className="console-ended" role="status" id={visible ? 'console-ended' : undefined}>
          {t('consoles.ended', { reason: exit.reason })}
          <button type="button" id={visible ? 'console-reconnect' : undefined} onClick={onReconnect}>
            {t('consoles.reconnect')}
          </button>
        </div>
      )}
      <div
        className="console-box"
        ref={box}
        id={domId}
        data-console-id={info.id}
        data-console-kind={info.kind}
      />
    </div>
  )
}
