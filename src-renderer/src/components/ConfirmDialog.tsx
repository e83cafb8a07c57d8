// A modal question before something that cannot be undone (restore a checkpoint, delete a lab): says
// what will be lost, and does nothing unless the user confirms.
import { useEffect, useRef, type ReactNode } from 'react'

export function ConfirmDialog({
  id,
  title,
  children,
  confirm,
  cancel,
  danger = true,
  onConfirm,
  onCancel,
}: {
  id: string
  title: string
  children: ReactNode
  confirm: string
  cancel: string
  danger?: boolean
  onConfirm: () => void
  onCancel: () => void
}) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    if (d && !d.open) d.showModal()
    return () => d?.close()
  }, [])
  return (
    <dialog
      ref={ref}
      id={id}
      className="confirm"
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault()
        onCancel()
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <div className="confirm-body">{children}</div>
      <div className="form-actions">
        <button id={`${id}-yes`} className={danger ? 'primary danger' : 'primary'} onClick={onConfirm}>
          {confirm}
        </button>
        <button id={`${id}-no`} onClick={onCancel} autoFocus>
          {cancel}
        </button>
      </div>
    </dialog>
  )
}
