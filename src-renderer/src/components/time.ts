// Times as the pages show them: how long something ran (m:ss, h:mm:ss), a moment in the reader's locale,
// and the current time ticking while something runs.
import { useEffect, useState } from 'react'
import type { Lang } from '../i18n'

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const pad = (n: number) => String(n).padStart(2, '0')
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`
}

/** From `from` to `to` (or to `now` while it runs); nothing before it started. */
export function elapsed(from: string | null, to: string | null, now: number): string {
  if (!from) return ''
  return formatElapsed((to ? Date.parse(to) : now) - Date.parse(from))
}

/** A timestamp from the engine in the reader's locale; the engine's text when it is not a date. */
export function formatWhen(iso: string, lang: Lang): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-GB')
}

/** The current time, ticking every second while `live`. */
export function useNow(live: boolean): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!live) return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [live])
  return now
}
