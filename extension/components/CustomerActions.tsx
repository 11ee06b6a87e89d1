import { useEffect, useState } from 'react';
import type { CustomerDetail } from '../lib/background/hub-operations.js';
import { customerChip, policyChip } from '../lib/health-view.js';
import { t } from '../lib/i18n.js';
import type { Ask } from '../lib/messaging.js';
import type { HubFailure } from '../lib/result.js';
import { byPerson } from './by-person.js';
import { PolicyActions } from './PolicyActions.js';
import { StatusPill } from './StatusPill.js';

/** Splits what a user typed into addresses (comma or space separated, like the portal's Emails field). */
export function parseEmails(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/**
 * A customer's health and quick actions: its alerts, start/stop for each policy, send or resend
 * the self-service invite, open it in the portal. Used by the popup and the table overlay.
 */
export function CustomerActions(props: { customerId: string; name: string; ask: Ask; onChanged?: () => void }) {
  const [detail, setDetail] = useState<CustomerDetail | null>(null);
  const [error, setError] = useState<HubFailure | null>(null);
  const [emails, setEmails] = useState('');
  const [inviteMessage, setInviteMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const [sending, setSending] = useState(false);

  async function load() {
    const answer = await props.ask({ type: 'customer.detail', customerId: props.customerId });
    if (answer.ok) {
      setDetail(answer.data);
      setError(null);
    } else setError(answer.error);
  }

  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.customerId]);

  async function invite(resend: boolean) {
    setSending(true);
    setInviteMessage(null);
    const list = parseEmails(emails);
    const answer = resend ? await props.ask({ type: 'invite.resend', customerId: props.customerId }) : await props.ask({ type: 'invite.send', customerId: props.customerId, emails: list });
    setSending(false);
    if (answer.ok) {
      const sent = [...answer.data.invited, ...answer.data.resent];
      const to = sent.join(', ') || t('customer.invitedAddresses');
      setInviteMessage({ tone: 'ok', text: t(resend ? 'customer.inviteResent' : 'customer.inviteSent', [to]) });
      setEmails('');
      props.onChanged?.();
      void load();
    } else setInviteMessage({ tone: 'bad', text: answer.error.message });
  }

  if (error) return <p className="message bad">{error.message}</p>;
  if (!detail) return <p className="muted">{t('customer.loading', [props.name])}</p>;

  const { customer } = detail;
  const pending = customer.status === 'pending' || customer.status === 'provisioning';
  const invited = customer.invites.filter((i) => !i.acceptedAt);
  return (
    <div className="customer-actions">
      <div className="facts">
        {customer.health && <StatusPill view={customerChip(customer.health)} />}
        <span className="muted">
          {customer.tenantDomain ?? customer.domain ?? customer.displayName} · {customer.contractType}
          {customer.licenses ? ` · ${t('customer.licenses', customer.licenses)}` : ''}
        </span>
      </div>
      {customer.health && customerChip(customer.health).details.length > 0 && (
        <ul className="details">
          {customerChip(customer.health).details.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      {detail.alerts.length > 0 && (
        <section>
          <h4>{t('customer.alerts')}</h4>
          <ul className="alerts">
            {detail.alerts.map((alert) => (
              <li key={alert.id} className={alert.severity}>
                {alert.subject.name}: {alert.reason}
              </li>
            ))}
          </ul>
        </section>
      )}
      {detail.policies.length > 0 && (
        <section>
          <h4>{t('customer.policies')}</h4>
          {detail.policies.map((policy) => (
            <div className="policy" key={policy.id}>
              <div className="policy-head">
                <span className="policy-name">{policy.name}</span>
                <StatusPill view={policyChip(policy)} />
              </div>
              <PolicyActions policy={policy} ask={props.ask} onChanged={() => props.onChanged?.()} />
            </div>
          ))}
        </section>
      )}
      {pending && (
        <section>
          <h4>{t('customer.invitation')}</h4>
          {invited.length > 0 && <p className="muted">{t('customer.invited', [invited.map((i) => i.email).join(', ')])}</p>}
          <div className="invite">
            <input
              type="text"
              value={emails}
              placeholder={customer.domain ? `name@${customer.domain}` : 'name@…'}
              aria-label={t('customer.emailsToInvite')}
              data-field="invite-emails"
              onChange={(event) => setEmails(event.target.value)}
            />
            <button type="button" className="primary" disabled={sending || parseEmails(emails).length === 0} onClick={(event) => byPerson(event) && void invite(false)} data-action="send-invite">
              {t('customer.sendInvite')}
            </button>
            {invited.length > 0 && (
              <button type="button" disabled={sending} onClick={(event) => byPerson(event) && void invite(true)} data-action="resend-invite">
                {t('customer.resendInvite')}
              </button>
            )}
          </div>
          {inviteMessage && <p className={`message ${inviteMessage.tone}`}>{inviteMessage.text}</p>}
        </section>
      )}
      {detail.portalUrl && (
        <p>
          <a href={detail.portalUrl} target="_blank" rel="noopener noreferrer" data-action="open-portal">
            {t('customer.openInPortal', [customer.displayName])}
          </a>
        </p>
      )}
    </div>
  );
}
