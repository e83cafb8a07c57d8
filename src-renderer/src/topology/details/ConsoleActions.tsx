// A VM's consoles from its details panel: a lab node's SSH shell (the lab's key, the pinned host key) and
// serial console; any other VM's serial console by its libvirt name, and, where an address is known, the
// `ssh` command to copy (Stacklab holds no key or host key for a VM it did not make, so it does not log in
// for the user). Opening one shows it on the Consoles page.
import { useState } from 'react'
import type { ConsoleKind } from '../../../../src-shared/console'
import type { DomainInfo } from '../../../../src-shared/libvirt'
import { CopyButton } from '../../components/CopyButton'
import { FailureLine } from '../../components/FailureLine'
import { shownFailure, type ShownFailure } from '../../components/words'
import { useT } from '../../i18n'
import { showConsoleNext } from '../../pages/ConsolesPage'
import { useStore } from '../../store'

const SIZE = { cols: 100, rows: 30 }

export function ConsoleActions({ d, lab }: { d: DomainInfo; lab: { lab: string; node: string } | null }) {
  const t = useT()
  const call = useStore((s) => s.call)
  const setPage = useStore((s) => s.setPage)
  const [busy, setBusy] = useState<ConsoleKind | null>(null)
  const [error, setError] = useState<ShownFailure | null>(null)
  const address = d.nics.flatMap((n) => n.addresses)[0]
  const open = async (kind: ConsoleKind) => {
    setBusy(kind)
    setError(null)
    try {
      // One session per VM and kind: a console already open is shown, not opened twice.
      const existing = (await call('consoles.list', {})).find((s) =>
        lab ? s.lab === lab.lab && s.node === lab.node && s.kind === kind : s.domain === d.name,
      )
      const info =
        existing ??
        (await call(
          'console.open',
          lab ? { lab: lab.lab, node: lab.node, kind, ...SIZE } : { domain: d.name, kind: 'serial', ...SIZE },
        ))
      showConsoleNext(info.id)
      setPage('consoles')
    } catch (e) {
      setError(shownFailure(e))
    } finally {
      setBusy(null)
    }
  }
  const running = d.state === 'running'
  // A paused VM's serial console attaches (its output resumes with it); SSH needs a running guest.
  const attachable = running || d.state === 'paused'
  return (
    <div id="details-consoles" className="details-consoles">
      <h3>{t('vm.consoles')}</h3>
      <div className="details-actions">
        {lab && (
          <button
            id="details-console-ssh"
            disabled={!running || busy !== null}
            onClick={() => void open('ssh')}
          >
            {busy === 'ssh' ? t('details.working') : t('vm.consoleSsh')}
          </button>
        )}
        <button
          id="details-console-serial"
          disabled={!attachable || busy !== null || !!d.problem}
          onClick={() => void open('serial')}
        >
          {busy === 'serial' ? t('details.working') : t('vm.consoleSerial')}
        </button>
      </div>
      {!attachable && <p className="muted">{t('vm.consoleNeedsRunning')}</p>}
      {!lab && address && (
        <p className="muted" id="details-ssh-command">
          {t('vm.sshCommand')} <code>ssh {address}</code>{' '}
          <CopyButton id="details-ssh-copy" text={`ssh ${address}`} />
        </p>
      )}
      {error && (
        <p id="details-console-error" className="banner fail" role="alert">
          <FailureLine error={error} />
        </p>
      )}
    </div>
  )
}
