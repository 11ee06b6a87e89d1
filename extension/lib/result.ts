/** What the background answers every message with: data, or an error a person can act on. */
export type ErrorKind = 'not-configured' | 'unreachable' | 'unauthorized' | 'forbidden' | 'conflict' | 'invalid' | 'not-found' | 'rule' | 'failed';

export interface HubFailure {
  kind: ErrorKind;
  message: string;
  status?: number;
  details?: { field: string; message: string }[];
}

export type HubResult<T> = { ok: true; data: T } | { ok: false; error: HubFailure };
