import { useState } from 'react';
import type { PolicyView } from '../../shared/schemas/backup.js';
import type { Ask } from '../lib/messaging.js';
import type { PolicyAction } from '../lib/protocol.js';
import { byPerson } from './by-person.js';

const LABELS: Record<PolicyAction, string> = { start: 'Start', stop: 'Stop', enable: 'Enable', disable: 'Disable' };

/** Which actions make sense for a policy now (the hub still has the last word and answers 409 otherwise). */
export function availableActions(policy: PolicyView): PolicyAction[] {
  const running = policy.lastStatus === 'Running' || !!policy.runningSessionId;
  const actions: PolicyAction[] = [];
  if (running) actions.push('stop');
  else if (policy.enabled) actions.push('start');
  actions.push(policy.enabled ? 'disable' : 'enable');
  return actions;
}

/** Start / stop / enable / disable buttons for one policy, with the hub's answer shown as text. */
export function PolicyActions(props: { policy: PolicyView; ask: Ask; onChanged?: (policy: PolicyView) => void; compact?: boolean }) {
  const [policy, setPolicy] = useState(props.policy);
  const [busy, setBusy] = useState<PolicyAction | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);

  async function run(action: PolicyAction) {
    if (action === 'disable' && !globalThis.confirm?.(`Disable the schedule of "${policy.name}"? It will not start on its own until enabled.`)) return;
    setBusy(action);
    setMessage(null);
    const answer = await props.ask({ type: 'policy.action', policyId: policy.id, action });
    setBusy(null);
    if (answer.ok) {
      setPolicy(answer.data);
      setMessage({ tone: 'ok', text: `${LABELS[action]}: done. Last status is now ${answer.data.lastStatus}${answer.data.enabled ? '' : ', schedule disabled'}.` });
      props.onChanged?.(answer.data);
    } else {
      setMessage({ tone: 'bad', text: answer.error.message });
    }
  }

  return (
    <div className="policy-actions">
      <div className="button-row">
        {availableActions(policy).map((action) => (
          <button key={action} type="button" className={action === 'start' ? 'primary' : ''} disabled={busy !== null} onClick={(event) => byPerson(event) && void run(action)} data-action={action}>
            {busy === action ? `${LABELS[action]}…` : LABELS[action]}
          </button>
        ))}
      </div>
      {message && (
        <p className={`message ${message.tone}`} role="status">
          {message.text}
        </p>
      )}
    </div>
  );
}
