import { useState } from 'react';
import type { PolicyView } from '../../shared/schemas/backup.js';
import type { Ask } from '../lib/messaging.js';
import { statusText } from '../lib/health-view.js';
import { t } from '../lib/i18n.js';
import type { PolicyAction } from '../lib/protocol.js';
import { byPerson } from './by-person.js';

const label = (action: PolicyAction) => t(`policy.${action}`);

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
    if (action === 'disable' && !globalThis.confirm?.(t('policy.confirmDisable', [policy.name]))) return;
    setBusy(action);
    setMessage(null);
    const answer = await props.ask({ type: 'policy.action', policyId: policy.id, action });
    setBusy(null);
    if (answer.ok) {
      setPolicy(answer.data);
      setMessage({ tone: 'ok', text: t(answer.data.enabled ? 'policy.done' : 'policy.doneDisabled', [label(action), statusText(answer.data.lastStatus)]) });
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
            {busy === action ? `${label(action)}…` : label(action)}
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
