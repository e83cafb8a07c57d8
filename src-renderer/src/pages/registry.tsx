// Every page of the app, in navigation order. A page is an id (also the `nav-<id>` element id), the
// catalog key of its label, and its view. Adding a page is one line here.
import type { ReactElement } from 'react'
import { NetworksPage } from './NetworksPage'
import { PreflightPage } from './PreflightPage'
import { SettingsPage } from './SettingsPage'
import { TopologyPage } from './TopologyPage'

export interface PageEntry {
  id: string
  label: string
  view: () => ReactElement
}

export const PAGES: PageEntry[] = [
  { id: 'topology', label: 'nav.topology', view: TopologyPage },
  { id: 'networks', label: 'nav.networks', view: NetworksPage },
  { id: 'preflight', label: 'nav.preflight', view: PreflightPage },
  { id: 'settings', label: 'nav.settings', view: SettingsPage },
]
