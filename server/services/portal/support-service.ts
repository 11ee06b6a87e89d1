import { z } from 'zod';
import { t, type Language } from '../../../shared/i18n/index.js';
import { HelpLinkId, SupportSettings, type HelpLink, type SupportCustomerView, type SupportSettingsUpdate } from '../../../shared/schemas/portal.js';
import type { Principal } from '../../auth/principal.js';
import type { HubContext } from '../../context.js';
import { invalid, type FieldError } from '../../http/errors.js';
import { defineCollection } from '../../store/collection.js';
import { recordChange } from '../changes.js';

export const supportSettings = defineCollection('supportSettings', SupportSettings.extend({ id: z.literal('support') }));

/**
 * The guide's Getting Support menu: "Visit the Help Centre", "Visit the Knowledge Base", "Open a
 * Support Case" (in My Account at https://my.veeam.com). Each may be pointed elsewhere.
 */
const DEFAULT_HELP_LINKS: Record<HelpLinkId, string> = {
  helpCenter: 'https://helpcenter.veeam.com/',
  knowledgeBase: 'https://www.veeam.com/knowledge-base.html',
  supportCase: 'https://my.veeam.com/',
};

const DEFAULTS: SupportSettings = { showSupportButton: false, link: null, buttonText: null, updatedAt: null, updatedBy: null };

/**
 * The support button of the customer portal: customers contact their service provider first,
 * so the SP sets where the button leads and what it says, or hides it.
 */
export class SupportService {
  constructor(private readonly ctx: HubContext) {}

  settings(): SupportSettings {
    const stored = this.ctx.store.get(supportSettings, 'support');
    if (!stored) return DEFAULTS;
    const { id: _id, ...settings } = stored;
    return settings;
  }

  /** What a customer's portal shows: the button, or nothing when it is switched off. */
  customerView(): SupportCustomerView {
    const s = this.settings();
    if (!s.showSupportButton || !s.link || !s.buttonText) return { showSupportButton: false, link: null, buttonText: null };
    return { showSupportButton: true, link: s.link, buttonText: s.buttonText };
  }

  /** The help menu in a language: each link with its title, Veeam's own unless replaced. */
  helpLinks(language: Language): HelpLink[] {
    const custom = this.settings().helpLinks ?? {};
    return HelpLinkId.options.map((id) => ({ id, title: t(language, `help.link.${id}`), url: custom[id] ?? DEFAULT_HELP_LINKS[id], custom: custom[id] !== undefined }));
  }

  async update(principal: Principal, changes: SupportSettingsUpdate): Promise<SupportSettings> {
    const current = this.settings();
    const helpLinks = { ...current.helpLinks };
    for (const [id, url] of Object.entries(changes.helpLinks ?? {}) as [HelpLinkId, string | null | undefined][]) {
      if (url === null) delete helpLinks[id];
      else if (url !== undefined) helpLinks[id] = url;
    }
    const next: SupportSettings = {
      showSupportButton: changes.showSupportButton ?? current.showSupportButton,
      link: changes.link !== undefined ? changes.link : current.link,
      buttonText: changes.buttonText !== undefined ? changes.buttonText : current.buttonText,
      helpLinks,
      updatedAt: this.ctx.clock.now().toISOString(),
      updatedBy: principal.actor.name,
    };
    const errors: FieldError[] = [];
    if (next.showSupportButton && !next.link) errors.push({ field: 'body.link', message: 'is required while the support button is shown' });
    if (next.showSupportButton && !next.buttonText) errors.push({ field: 'body.buttonText', message: 'is required while the support button is shown' });
    if (errors.length > 0) throw invalid(`The support settings are not complete: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
    await this.ctx.store.write((tx) => tx.put(supportSettings, { id: 'support', ...next }));
    await recordChange(this.ctx, principal, {
      action: 'support-settings.updated',
      target: { type: 'supportSettings', id: 'support' },
      details: { showSupportButton: next.showSupportButton, link: next.link, buttonText: next.buttonText, helpLinks },
    });
    return next;
  }
}
