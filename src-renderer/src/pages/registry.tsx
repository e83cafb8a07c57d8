// Every page of the app, in navigation order. A page is an id (also the `nav-<id>` element id), the
// catalog key of its label, and its view. Adding a page is one line here.
import type { ReactElement } from 'react'
import type { MessageKey } from '../i18n'
import { InstallPage } from '../install/InstallPage'
import { PreflightPage } from './PreflightPage'
import { SettingsPage } from './SettingsPage'
import { WizardPage } from '../wizard/WizardPage'
import { JobsPage } from './JobsPage'
import { CheckpointsPage } from '../checkpoints/CheckpointsPage'
import { ConsolesPage } from './ConsolesPage'
import { LessonsPage } from '../lessons/LessonsPage'
import { NetworksPage } from '../networks/NetworksPage'
import { TopologyPage } from '../topology/TopologyPage'

export interface PageEntry {
  id: string
  label: MessageKey
  view: () => ReactElement
}

export const PAGES: PageEntry[] = [
  { id: 'topology', label: 'nav.topology', view: TopologyPage },
  { id: 'wizard', label: 'nav.wizard', view: WizardPage },
  { id: 'jobs', label: 'nav.jobs', view: JobsPage },
  { id: 'consoles', label: 'nav.consoles', view: ConsolesPage },
  { id: 'lessons', label: 'nav.lessons', view: LessonsPage },
  { id: 'checkpoints', label: 'nav.checkpoints', view: CheckpointsPage },
  { id: 'install', label: 'nav.install', view: InstallPage },
  { id: 'networks', label: 'nav.networks', view: NetworksPage },
  { id: 'preflight', label: 'nav.preflight', view: PreflightPage },
  { id: 'settings', label: 'nav.settings', view: SettingsPage },
]
