import { t, type Language } from '../../../shared/i18n/index.js';
import type { DomainEvent } from '../../../shared/schemas/events.js';
import type { MessageDraft } from './outbox.js';
import { escapeHtml } from './render.js';

/**
 * The mails customers get from the guide's onboarding: "Customers will receive an email with an
 * invitation link" (self-service invites), and the welcome mail of a new admin user unless "Send
 * welcome email" was cleared. They go out through the same outbox as notifications (retries,
 * dead letters, visibly undelivered without SMTP), in the customer's notification language.
 */

export const INVITATION_EVENT_TYPES: ReadonlySet<string> = new Set(['customer.invited', 'customer.admin-added']);

export interface InvitationMail {
  kind: 'invite' | 'welcome';
  email: string;
  customerId: string;
  customerName: string;
  /** The admin user's first name (welcome mails). */
  name?: string | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The mails an event asks for: each invited (or re-invited) address; a new admin user with "Send welcome email" on. */
export function invitationMails(event: DomainEvent): InvitationMail[] {
  const customerId = event.customerId;
  if (!customerId || !INVITATION_EVENT_TYPES.has(event.type)) return [];
  const customerName = event.subject?.name ?? customerId;
  if (event.type === 'customer.invited') {
    const emails = [...new Set([...strings(event.data.invited), ...strings(event.data.resent)])];
    return emails.map((email) => ({ kind: 'invite', email, customerId, customerName }));
  }
  const email = str(event.data.email);
  if (!email || event.data.sendWelcomeEmail !== true) return [];
  return [{ kind: 'welcome', email, customerId, customerName, name: str(event.data.firstName) }];
}

/** The invitation link: the customer portal's sign-up (invite) or sign-in (welcome) page for this address. */
function invitationLink(mail: InvitationMail, portalUrl: string): string {
  const base = portalUrl.replace(/\/+$/, '');
  const page = mail.kind === 'invite' ? 'signup' : 'login';
  return `${base}/${page}?email=${encodeURIComponent(mail.email)}&customer=${encodeURIComponent(mail.customerId)}`;
}

/** Subject, plain text and HTML (every value escaped) in the language. */
export function renderInvitation(mail: InvitationMail, language: Language, portalUrl: string) {
  const p = mail.kind;
  const params = { customer: mail.customerName, name: mail.name ?? mail.email };
  const subject = t(language, `${p}.mail.subject`, params);
  const link = invitationLink(mail, portalUrl);
  const lines = [t(language, `${p}.mail.greeting`, params), t(language, `${p}.mail.body`, params)];
  const linkTitle = t(language, `${p}.mail.link`);
  const footer = t(language, 'invite.mail.footer', params);
  const text = `${lines.join('\n\n')}\n\n${linkTitle}: ${link}\n\n--\n${footer}\n`;
  const e = escapeHtml;
  const html =
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${e(subject)}</title></head>` +
    '<body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#242424">' +
    lines.map((l) => `<p>${e(l)}</p>`).join('') +
    `<p><a href="${e(link)}" style="color:#0f6cbd">${e(linkTitle)}</a></p>` +
    `<p style="font-size:12px;color:#616161">${e(footer)}</p></body></html>`;
  return { payload: { type: 'email' as const, subject, text, html }, summary: subject, bytes: Buffer.byteLength(subject + text + html, 'utf8') };
}

/** Outbox drafts for an event's invitation mails: one per address and event (replays add nothing). */
export function invitationDrafts(event: DomainEvent, options: { language: (customerId: string) => Language; portalUrl: string; smtp: boolean }): MessageDraft[] {
  return invitationMails(event).map((mail) => {
    const language = options.language(mail.customerId);
    return {
      dedupeKey: `evt:${event.id}@${event.at}|${mail.kind}:${mail.email}`,
      topic: 'invitation',
      eventId: event.id,
      eventType: event.type,
      customerId: mail.customerId,
      recipient: { scope: 'customer', contactId: `${mail.kind}:${mail.email}`, customerId: mail.customerId, type: 'email', target: mail.email },
      language,
      rendered: renderInvitation(mail, language, options.portalUrl),
      state: options.smtp ? 'pending' : 'undeliverable-no-smtp',
    };
  });
}
