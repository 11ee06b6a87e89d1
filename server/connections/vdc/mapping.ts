import type { BackupType, LogStatus } from '../../../shared/schemas/backup.js';

// VDC's report words to the hub's. Unknown values are kept as text and shown.

/** `[Success] Found 66 objects` -> Success, "Found 66 objects"; an unknown prefix stays in the message. */
export function parseLogTitle(title: string): { status: LogStatus; message: string } {
  const match = /^\s*\[([^\]]+)\]\s*(.*)$/s.exec(title);
  if (!match) return { status: 'Info', message: title.trim() };
  const word = match[1]!.trim().toLowerCase();
  const status: LogStatus | null =
    word === 'success' ? 'Success' : word === 'warning' ? 'Warning' : word === 'failed' || word === 'error' ? 'Failed' : word === 'info' || word === 'information' ? 'Info' : null;
  return status ? { status, message: match[2]!.trim() } : { status: 'Info', message: title.trim() };
}

export function backupTypeOf(raw: string | null | undefined): { type: BackupType; known: boolean } {
  if (raw === 'SelectedItems' || raw === 'EntireOrganization') return { type: raw, known: true };
  return { type: 'EntireOrganization', known: raw === null || raw === undefined };
}
