import { compareText } from '../../../shared/domain/units.js';
import type { LogRecord, Session } from '../../../shared/schemas/backup.js';
import type { AppendLog } from '../../store/append-log.js';

// Every session and its log records go to one append-only file per policy. A session is
// written when it starts and again when it ends (the last version wins); nothing is rewritten
// and nothing is loaded at start, so a start costs the same with a thousand or a million
// sessions stored.

type SessionLine = { k: 's' } & Session;
type LogLine = { k: 'l'; s: string; t: string; st: LogRecord['status']; m: string };
type Line = SessionLine | LogLine;

export const sessionFile = (policyId: string): string => `sessions/${policyId}.jsonl`;

/** Session ids carry their policy id (`ses_<run>.<policyId>`), so one id finds its file. */
export const sessionIdFor = (policyId: string, run: number): string => `ses_${run.toString(36)}.${policyId}`;

export function policyIdOfSession(sessionId: string): string | null {
  const match = /^ses_[0-9a-z]+\.(.+)$/.exec(sessionId);
  return match ? match[1]! : null;
}

export const sessionLine = (session: Session): SessionLine => ({ k: 's', ...session });
export const logLine = (record: LogRecord): LogLine => ({ k: 'l', s: record.sessionId, t: record.at, st: record.status, m: record.message });

export interface PolicyHistory {
  /** Latest version of each session, newest first. */
  sessions: Session[];
  logs: Map<string, LogRecord[]>;
}

export class SessionHistory {
  constructor(private readonly logs: AppendLog) {}

  append(policyId: string, entries: { sessions?: Session[]; logs?: LogRecord[] }): Promise<void> {
    const { file, records } = this.lines(policyId, entries);
    return this.logs.append(file, records);
  }

  /** The append `append` would make, for a caller that writes it with an event (EventBus.emit). */
  lines(policyId: string, entries: { sessions?: Session[]; logs?: LogRecord[] }): { file: string; records: Line[] } {
    return { file: sessionFile(policyId), records: [...(entries.logs ?? []).map(logLine), ...(entries.sessions ?? []).map(sessionLine)] };
  }

  async read(policyId: string): Promise<PolicyHistory> {
    const lines = await this.logs.read<Line>(sessionFile(policyId));
    const sessions = new Map<string, Session>();
    const logs = new Map<string, LogRecord[]>();
    for (const line of lines) {
      if (line.k === 's') {
        const { k: _k, ...session } = line;
        sessions.set(session.id, session);
      } else if (line.k === 'l') {
        let list = logs.get(line.s);
        if (!list) logs.set(line.s, (list = []));
        list.push({ sessionId: line.s, at: line.t, status: line.st, message: line.m });
      }
    }
    const ordered = [...sessions.values()].sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : compareText(b.id, a.id)));
    return { sessions: ordered, logs };
  }

  async session(sessionId: string): Promise<{ session: Session; logs: LogRecord[] } | null> {
    const policyId = policyIdOfSession(sessionId);
    if (!policyId) return null;
    const history = await this.read(policyId);
    const session = history.sessions.find((s) => s.id === sessionId);
    return session ? { session, logs: history.logs.get(sessionId) ?? [] } : null;
  }
}
