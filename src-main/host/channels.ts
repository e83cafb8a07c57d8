// IPC channel names, `area:verb`, shared by the Electron main process and the preload.
export const CALL_CHANNEL = 'stacklab:call'
export const EVENT_CHANNEL = 'stacklab:event'
export const PICK_FILE_CHANNEL = 'stacklab:pick-file'
