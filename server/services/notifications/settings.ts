import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  ContactBroken,
  CustomerDefaults,
  DIGEST_SECTIONS,
  DigestSettings,
  Language,
  NotificationContact,
  type ContactInputParsed,
  type CustomerNotificationSettings,
  type Recipient,
  type Topic,
} from '../../../shared/schemas/notifications.js';
import { CustomerNotificationSettingsInput as CustomerInputSchema, PartnerNotificationSettingsInput as PartnerInputSchema } from '../../../shared/schemas/notifications.js';
import { Id, IsoDateTime } from '../../../shared/schemas/common.js';
import type { Principal } from '../../auth/principal.js';
import type { HubContext } from '../../context.js';
import { invalid, notFound, type FieldError } from '../../http/errors.js';
import { newId } from '../../ids.js';
import { defineCollection } from '../../store/collection.js';
import { recordChange } from '../changes.js';
import { customers } from '../customer-collection.js';
import { redactWebhookUrl, webhookUrlProblem, type WebhookPolicy } from './webhook-policy.js';

export const PartnerSettingsRecord = z.object({
  id: z.literal('partner'),
  language: Language,
  contacts: z.array(NotificationContact),
  allowCustomerNotifications: z.boolean(),
  customerDefaults: CustomerDefaults,
  digest: DigestSettings,
  updatedAt: IsoDateTime.nullable(),
});
export type PartnerSettingsRecord = z.infer<typeof PartnerSettingsRecord>;

export const CustomerSettingsRecord = z.object({
  /** The customer's id. */
  id: Id,
  allowSystemNotifications: z.boolean(),
  language: Language,
  contacts: z.array(NotificationContact),
  updatedAt: IsoDateTime,
});
export type CustomerSettingsRecord = z.infer<typeof CustomerSettingsRecord>;

export const partnerSettings = defineCollection('notificationSettings', PartnerSettingsRecord);
export const customerSettings = defineCollection('customerNotifications', CustomerSettingsRecord);

export const DEFAULT_PARTNER_SETTINGS: PartnerSettingsRecord = {
  id: 'partner',
  language: 'en',
  contacts: [],
  allowCustomerNotifications: true,
  customerDefaults: { allowSystemNotifications: true, language: 'en', topics: ['backupFailed', 'restoreActivity'], notifyPrimaryContact: false },
  digest: { hour: 7, timeZone: 'UTC', sections: [...DIGEST_SECTIONS], invitePendingDays: 7 },
  updatedAt: null,
};

/** A contact someone may send to, with where it sits and the language it reads. */
export interface ResolvedContact {
  recipient: Recipient;
  contact: NotificationContact;
  language: Language;
  /** Where a message to it is dedupe-keyed: one message per event and destination. */
  destination: string;
}

/** The id the primary-contact entry of an inherited customer setting carries. */
export const PRIMARY_CONTACT_ID = 'primary-contact';

/**
 * Partner and per-customer notification settings: contacts (email, Teams webhook) with their
 * topics and delivery preference, language, customer defaults, digest schedule. Contacts a
 * dispatcher found gone are marked broken here, with the reason and time.
 */
export class NotificationSettings {
  constructor(
    private readonly ctx: HubContext,
    private readonly webhook: WebhookPolicy,
  ) {}

  partner(): PartnerSettingsRecord {
    return this.ctx.store.get(partnerSettings, 'partner') ?? DEFAULT_PARTNER_SETTINGS;
  }

  async updatePartner(principal: Principal, input: z.output<typeof PartnerInputSchema>): Promise<PartnerSettingsRecord> {
    const current = this.partner();
    const contacts = this.mergeContacts(current.contacts, input.contacts, 'body.contacts');
    const next: PartnerSettingsRecord = {
      id: 'partner',
      language: input.language,
      contacts,
      allowCustomerNotifications: input.allowCustomerNotifications,
      customerDefaults: input.customerDefaults ?? current.customerDefaults,
      digest: input.digest ?? current.digest,
      updatedAt: this.ctx.clock.now().toISOString(),
    };
    await this.ctx.store.write((tx) => tx.put(partnerSettings, next));
    await recordChange(this.ctx, principal, {
      action: 'notification-settings.updated',
      target: { type: 'notificationSettings', id: 'partner', name: 'System notifications' },
      details: { language: next.language, allowCustomerNotifications: next.allowCustomerNotifications, contacts: describeContacts(contacts), digestHour: next.digest.hour },
    });
    return next;
  }

  /** A customer's settings: its own once saved, else what the partner's defaults give it. */
  customer(customerId: string): CustomerNotificationSettings {
    const customer = this.ctx.store.get(customers, customerId);
    if (!customer) throw notFound('Customer', customerId);
    const partner = this.partner();
    const own = this.ctx.store.get(customerSettings, customerId);
    const base = own ?? this.inherited(customerId);
    return {
      customerId,
      allowSystemNotifications: base.allowSystemNotifications,
      language: base.language,
      contacts: base.contacts,
      inherited: !own,
      effective: partner.allowCustomerNotifications && base.allowSystemNotifications,
      updatedAt: own?.updatedAt ?? null,
    };
  }

  async updateCustomer(principal: Principal, customerId: string, input: z.output<typeof CustomerInputSchema>): Promise<CustomerNotificationSettings> {
    const customer = this.ctx.store.get(customers, customerId);
    if (!customer) throw notFound('Customer', customerId);
    const current = this.ctx.store.get(customerSettings, customerId) ?? this.inherited(customerId);
    const contacts = this.mergeContacts(current.contacts, input.contacts, 'body.contacts');
    const next: CustomerSettingsRecord = {
      id: customerId,
      allowSystemNotifications: input.allowSystemNotifications,
      language: input.language,
      contacts,
      updatedAt: this.ctx.clock.now().toISOString(),
    };
    await this.ctx.store.write((tx) => tx.put(customerSettings, next));
    await recordChange(this.ctx, principal, {
      action: 'customer.notifications-updated',
      target: { type: 'customer', id: customerId, name: customer.displayName },
      customerId,
      details: { allowSystemNotifications: next.allowSystemNotifications, language: next.language, contacts: describeContacts(contacts) },
    });
    return this.customer(customerId);
  }

  /** What a customer without saved settings gets: the partner's defaults, live. */
  private inherited(customerId: string): Omit<CustomerSettingsRecord, 'updatedAt'> {
    const defaults = this.partner().customerDefaults;
    const customer = this.ctx.store.get(customers, customerId);
    const email = customer?.primaryAdminEmail || customer?.contact.email;
    const contacts: NotificationContact[] =
      defaults.notifyPrimaryContact && email && z.email().safeParse(email).success
        ? [{ id: PRIMARY_CONTACT_ID, type: 'email', email: email.toLowerCase(), topics: defaults.topics, delivery: 'immediate', enabled: true, broken: null }]
        : [];
    return { id: customerId, allowSystemNotifications: defaults.allowSystemNotifications, language: defaults.language, contacts };
  }

  // ---- contacts ----

  /**
   * The saved list from the submitted one. A contact keeps its id (given, or found by the same
   * address) and, while its address is unchanged, its broken mark; changing the URL clears it.
   */
  private mergeContacts(current: readonly NotificationContact[], input: readonly ContactInputParsed[], field: string): NotificationContact[] {
    const errors: FieldError[] = [];
    const seenTargets = new Map<string, number>();
    const seenIds = new Map<string, number>();
    const out: NotificationContact[] = [];
    input.forEach((contact, i) => {
      const target = targetOf(contact);
      if (contact.type === 'teams') {
        const problem = webhookUrlProblem(contact.webhookUrl, this.webhook);
        if (problem) errors.push({ field: `${field}.${i}.webhookUrl`, message: problem });
      }
      const twin = seenTargets.get(target);
      if (twin !== undefined) errors.push({ field: `${field}.${i}.${contact.type === 'email' ? 'email' : 'webhookUrl'}`, message: `is the same as contact ${twin}` });
      seenTargets.set(target, i);
      const previous = (contact.id !== undefined ? current.find((c) => c.id === contact.id) : undefined) ?? current.find((c) => targetOf(c) === target && !out.some((o) => o.id === c.id));
      const id = contact.id ?? previous?.id ?? newId('con');
      const twinId = seenIds.get(id);
      if (twinId !== undefined) errors.push({ field: `${field}.${i}.id`, message: `is the same as contact ${twinId}` });
      seenIds.set(id, i);
      const sameTarget = previous !== undefined && targetOf(previous) === target;
      const common = {
        id,
        ...(contact.label !== undefined && contact.label !== '' && { label: contact.label }),
        topics: contact.topics,
        delivery: contact.delivery,
        enabled: contact.enabled,
        broken: sameTarget ? previous.broken : null,
        ...(sameTarget && previous.example && { example: true }),
      };
      out.push(contact.type === 'email' ? { type: 'email', email: contact.email, ...common } : { type: 'teams', webhookUrl: contact.webhookUrl, ...common });
    });
    if (errors.length) throw invalid(`Invalid contacts: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`.slice(0, 500), errors);
    return out;
  }

  /** Contacts that get `topic` right away for an event (of `customerId`, when it has one). */
  immediateRecipients(topic: Topic, customerId: string | undefined): ResolvedContact[] {
    return this.recipients(customerId).filter((r) => r.contact.delivery === 'immediate' && r.contact.topics.includes(topic));
  }

  /** Every contact that can receive now: enabled, not broken, not an example; customers' only where allowed. */
  recipients(customerId: string | undefined): ResolvedContact[] {
    const partner = this.partner();
    const out: ResolvedContact[] = partner.contacts.filter(sendable).map((contact) => ({
      recipient: recipientOf(contact, 'partner'),
      contact,
      language: partner.language,
      destination: targetOf(contact),
    }));
    if (customerId && partner.allowCustomerNotifications && this.receivesNotifications(customerId)) {
      const own = this.ctx.store.get(customerSettings, customerId) ?? this.inherited(customerId);
      if (own.allowSystemNotifications) {
        for (const contact of own.contacts.filter(sendable)) {
          out.push({ recipient: recipientOf(contact, 'customer', customerId), contact, language: own.language, destination: targetOf(contact) });
        }
      }
    }
    return out;
  }

  /** Contacts that prefer the daily digest: the partner's, and those of customers that saved their own settings. */
  digestRecipients(): (ResolvedContact & { customer?: { id: string; name: string } })[] {
    const out: (ResolvedContact & { customer?: { id: string; name: string } })[] = this.recipients(undefined).filter((r) => r.contact.delivery === 'digest');
    if (!this.partner().allowCustomerNotifications) return out;
    for (const own of this.ctx.store.all(customerSettings)) {
      const customer = this.ctx.store.get(customers, own.id);
      if (!customer || customer.status === 'offboarded' || !own.allowSystemNotifications) continue;
      for (const contact of own.contacts) {
        if (!sendable(contact) || contact.delivery !== 'digest') continue;
        out.push({ recipient: recipientOf(contact, 'customer', own.id), contact, language: own.language, destination: targetOf(contact), customer: { id: customer.id, name: customer.displayName } });
      }
    }
    return out;
  }

  /** The contact a message was addressed to, as it is now (null once removed). */
  resolve(recipient: Recipient): { contact: NotificationContact; language: Language } | null {
    if (recipient.scope === 'partner') {
      const partner = this.partner();
      const contact = partner.contacts.find((c) => c.id === recipient.contactId);
      return contact ? { contact, language: partner.language } : null;
    }
    if (recipient.scope === 'customer' && recipient.customerId) {
      if (!this.ctx.store.get(customers, recipient.customerId)) return null;
      const own = this.ctx.store.get(customerSettings, recipient.customerId) ?? this.inherited(recipient.customerId);
      const contact = own.contacts.find((c) => c.id === recipient.contactId);
      return contact ? { contact, language: own.language } : null;
    }
    return null;
  }

  /** An offboarded (or unknown) customer's contacts get nothing more. */
  private receivesNotifications(customerId: string): boolean {
    const customer = this.ctx.store.get(customers, customerId);
    return customer !== undefined && customer.status !== 'offboarded';
  }

  /** Whether customer-scope messages may still go out (the partner or customer may have turned them off). */
  customerAllowed(customerId: string): boolean {
    if (!this.partner().allowCustomerNotifications || !this.receivesNotifications(customerId)) return false;
    const own = this.ctx.store.get(customerSettings, customerId) ?? this.inherited(customerId);
    return own.allowSystemNotifications;
  }

  /** Marks a contact broken (a Teams channel answered 404/410) or clears the mark (broken = null). */
  async setBroken(recipient: Recipient, broken: ContactBroken | null): Promise<void> {
    await this.ctx.store.write((tx) => {
      if (recipient.scope === 'partner') {
        const current = tx.get(partnerSettings, 'partner') ?? DEFAULT_PARTNER_SETTINGS;
        const contacts = current.contacts.map((c) => (c.id === recipient.contactId ? { ...c, broken } : c));
        if (contacts.some((c, i) => c !== current.contacts[i])) tx.put(partnerSettings, { ...current, contacts });
      } else if (recipient.scope === 'customer' && recipient.customerId) {
        const current = tx.get(customerSettings, recipient.customerId);
        if (!current) return; // inherited contacts are email only and never break
        const contacts = current.contacts.map((c) => (c.id === recipient.contactId ? { ...c, broken } : c));
        if (contacts.some((c, i) => c !== current.contacts[i])) tx.put(customerSettings, { ...current, contacts });
      }
    });
  }

  findContact(contactId: string, customerId?: string): ResolvedContact {
    if (customerId) {
      const settings = this.customer(customerId);
      const contact = settings.contacts.find((c) => c.id === contactId);
      if (!contact) throw notFound('Notification contact', contactId);
      return { recipient: recipientOf(contact, 'customer', customerId), contact, language: settings.language, destination: targetOf(contact) };
    }
    const partner = this.partner();
    const contact = partner.contacts.find((c) => c.id === contactId);
    if (!contact) throw notFound('Notification contact', contactId);
    return { recipient: recipientOf(contact, 'partner'), contact, language: partner.language, destination: targetOf(contact) };
  }
}

function sendable(contact: NotificationContact): boolean {
  return contact.enabled && !contact.broken && !contact.example;
}

/** Where a contact's messages go, normalized: the lower-cased address, or a hash of the webhook URL (a secret). */
export function targetOf(contact: { type: 'email'; email: string } | { type: 'teams'; webhookUrl: string }): string {
  if (contact.type === 'email') return `email:${contact.email.toLowerCase()}`;
  return `teams:${createHash('sha256').update(normalizeUrl(contact.webhookUrl)).digest('hex').slice(0, 32)}`;
}

function normalizeUrl(value: string): string {
  try {
    return new URL(value).toString();
  } catch {
    return value.trim();
  }
}

export function recipientOf(contact: NotificationContact, scope: 'partner' | 'customer', customerId?: string): Recipient {
  return {
    scope,
    contactId: contact.id,
    ...(customerId && { customerId }),
    type: contact.type,
    target: contact.type === 'email' ? contact.email : redactWebhookUrl(contact.webhookUrl),
  };
}

/** For the audit log: who gets what, without the webhook secrets. */
function describeContacts(contacts: readonly NotificationContact[]): string[] {
  return contacts.map((c) => `${c.type === 'email' ? c.email : redactWebhookUrl(c.webhookUrl)} (${c.topics.join(', ') || 'no topics'}; ${c.delivery}${c.enabled ? '' : '; disabled'})`);
}
