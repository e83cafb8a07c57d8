// Every page of the app, in navigation order. A page is an id (also the `nav-<id>` element id), the
// catalog key of its label, and its view. Adding a page is one line here.
import type { ReactElement } from 'react'
import { PreflightPage } from './PreflightPage'
import { SettingsPage } from './SettingsPage'
import { ConsolesPage } from './ConsolesPage'

export interface PageEntry {
  id: string
  label: string
  view: () => ReactElement
}

export const PAGES: PageEntry[] = [
  { id: 'preflight', label: 'nav.preflight', view: PreflightPage },
  { id: 'consoles', label: 'nav.consoles', view: ConsolesPage },
  { id: 'settings', label: 'nav.settings', view: SettingsPage },
]
