// English and Korean for every string the renderer shows. Each area of the app keeps its own catalog file
// ({ en, ko } with the same keys, checked by the type checker: see catalog.ts); this module merges them,
// holds the chosen language and interpolates `{name}` placeholders. `t()` takes only keys the catalogs
// define (MessageKey); a unit test checks the catalogs again at run time.
import { create } from 'zustand'
import { fillPlaceholders } from '../../../src-shared/text'
import { common } from './common'
import { networks } from './networks'
import { install } from './install'
import { wizard } from './wizard'
import { jobs } from './jobs'
import { checkpoints } from './checkpoints'
import { consoles } from './consoles'
import { preflight } from './preflight'
import { settings } from './settings'
import { topology } from './topology'
import { objects } from './objects'
import { failures } from './failures'
import { preflightSays, statusSays } from './engine-says'
import { attention } from './attention'
import { lifecycle } from './lifecycle'
import { vm } from './vm'
import { reach } from './reach'
import { lessons } from './lessons'

export type Lang = 'en' | 'ko'
export const LANGS: Lang[] = ['en', 'ko']
export type Catalog = Record<string, string>
export interface Area {
  en: Catalog
  ko: Catalog
}

const areas = {
  common,
  topology,
  networks,
  preflight,
  settings,
  wizard,
  jobs,
  checkpoints,
  consoles,
  install,
  objects,
  failures,
  preflightSays,
  statusSays,
  attention,
  lifecycle,
  vm,
  reach,
  lessons,
}
type Areas = typeof areas

/** Every key the catalogs define: what `t()` accepts. */
export type MessageKey = { [A in keyof Areas]: keyof Areas[A]['en'] }[keyof Areas]

/** Every area's catalog. An area added to the app adds its file here. */
export const AREAS: Record<string, Area> = areas

const merged: Record<Lang, Catalog> = { en: {}, ko: {} }
for (const area of Object.values(AREAS)) {
  Object.assign(merged.en, area.en)
  Object.assign(merged.ko, area.ko)
}

const STORAGE_KEY = 'stacklab.lang'

/** The browser parts this module uses; absent when the catalogs are loaded by Node (the unit tests). */
const host = globalThis as {
  localStorage?: { getItem(k: string): string | null; setItem(k: string, v: string): void }
  navigator?: { language?: string }
  document?: { documentElement: { lang: string } }
}

function initialLang(): Lang {
  try {
    const saved = host.localStorage?.getItem(STORAGE_KEY)
    if (saved === 'en' || saved === 'ko') return saved
  } catch {
    // storage may be unavailable (a sandboxed page); fall back to the browser's language
  }
  return host.navigator?.language?.toLowerCase().startsWith('ko') ? 'ko' : 'en'
}

const startLang = initialLang()
if (host.document) host.document.documentElement.lang = startLang

export const useLang = create<{ lang: Lang; setLang: (lang: Lang) => void }>()((set) => ({
  lang: startLang,
  setLang(lang) {
    try {
      host.localStorage?.setItem(STORAGE_KEY, lang)
    } catch {
      // not saved; the choice still holds for this session
    }
    if (host.document) host.document.documentElement.lang = lang
    set({ lang })
  },
}))

export type Vars = Record<string, string | number>

/** Whether a key built from an engine's word (a libvirt reason, a NIC type) is one the catalogs define. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(merged.en, key)
}

/** Translate `key` in `lang`. A missing key shows as the key itself (only a cast can get one here). */
export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const text = merged[lang][key] ?? merged.en[key] ?? key
  return vars ? fillPlaceholders(text, vars) : text
}

export type Translate = (key: MessageKey, vars?: Vars) => string

/** The translate function for the current language; components re-render when it changes. */
export function useT(): Translate {
  const lang = useLang((s) => s.lang)
  return (key, vars) => translate(lang, key, vars)
}

/** A counted phrase's key without its form: the catalogs hold `<base>.one` and `<base>.other`. */
export type PluralBase = { [K in MessageKey]: K extends `${infer B}.other` ? B : never }[MessageKey]

const pluralRules: Partial<Record<Lang, Intl.PluralRules>> = {}

/** A counted phrase in `lang`, its form chosen by the language's own rule (`1 VM`, `2 VMs`; Korean has one
 * form, so its catalogs give `.one` the same text as `.other`). `{count}` is the number. */
export function plural(lang: Lang, base: PluralBase, count: number, vars?: Vars): string {
  const rules = (pluralRules[lang] ??= new Intl.PluralRules(lang))
  const key = `${base}.${rules.select(count)}`
  return translate(lang, isMessageKey(key) ? key : `${base}.other`, { ...vars, count })
}

export type Plural = (base: PluralBase, count: number, vars?: Vars) => string

/** `plural` for the current language. */
export function usePlural(): Plural {
  const lang = useLang((s) => s.lang)
  return (base, count, vars) => plural(lang, base, count, vars)
}
