import { clean, jsonBytes, TEAMS_WEBHOOK_LIMIT_BYTES, BOT_MESSAGE_LIMIT_BYTES, teamsWebhookMessage } from '../../../shared/cards/kit.js';
import { describeNotification, documentCard, DIGEST_LINES, type CardContext, type NotificationDocument } from '../../../shared/cards/notifications.js';
import { t, tn, type Language } from '../../../shared/i18n/index.js';
import type { NotificationView } from '../../../shared/schemas/cards.js';
import type { OutboxPayload, Topic } from '../../../shared/schemas/notifications.js';

export interface RenderContext {
  language: Language;
  timeZone: string;
  links: { portal?: string | undefined; hub?: string | undefined };
}

export interface Rendered {
  payload: OutboxPayload;
  summary: string;
  bytes: number;
}

/** A Teams channel webhook message: the card without bot buttons, within 28 KB. */
export function renderTeams(view: NotificationView, rc: RenderContext): Rendered {
  const { doc, ctx } = fit(view, rc, false, (d, c) => jsonBytes(teamsWebhookMessage(documentCard(d, c))) <= TEAMS_WEBHOOK_LIMIT_BYTES);
  const body = teamsWebhookMessage(documentCard(doc, ctx));
  return { payload: { type: 'teams', body: body as unknown as Record<string, unknown> }, summary: doc.summary, bytes: jsonBytes(body) };
}

/** A card for a registered channel (the bot): with the buttons the bot handles, within 28 KB too. */
export function renderChannel(view: NotificationView, rc: RenderContext): Rendered {
  const { doc, ctx } = fit(view, rc, true, (d, c) => jsonBytes(documentCard(d, c)) <= Math.min(TEAMS_WEBHOOK_LIMIT_BYTES, BOT_MESSAGE_LIMIT_BYTES));
  const card = documentCard(doc, ctx);
  return { payload: { type: 'channel', card: card as unknown as Record<string, unknown> }, summary: doc.summary, bytes: jsonBytes(card) };
}

/** A mail with the same content: subject, plain text and HTML (every value HTML-escaped). */
export function renderEmail(view: NotificationView, rc: RenderContext, topics: readonly Topic[]): Rendered {
  const ctx = cardContext(rc, false);
  const doc = describeNotification(view, ctx);
  const subject = clean(`${t(rc.language, 'mail.subjectPrefix')}: ${doc.summary}`, 250);
  const footer = [t(rc.language, 'mail.footer', { topics: topics.map((topic) => t(rc.language, `topic.${topic}`)).join(', ') || '—' }), t(rc.language, 'mail.footerChange')];
  const text = mailText(doc, footer, rc.language);
  const html = mailHtml(doc, footer, rc.language);
  return { payload: { type: 'email', subject, text, html }, summary: doc.summary, bytes: Buffer.byteLength(subject + text + html, 'utf8') };
}

function cardContext(rc: RenderContext, interactive: boolean): CardContext {
  return { language: rc.language, timeZone: rc.timeZone, links: rc.links, interactive };
}

/**
 * The document, trimmed until it fits: values are already bounded, so only long digest sections
 * can push a card over the limit; they lose lines (the "and N more" line says how many).
 */
function fit(view: NotificationView, rc: RenderContext, interactive: boolean, fits: (doc: NotificationDocument, ctx: CardContext) => boolean) {
  const ctx = cardContext(rc, interactive);
  const doc = describeNotification(view, ctx);
  for (const lines of [DIGEST_LINES, 5, 2, 0]) {
    const trimmed: NotificationDocument = {
      ...doc,
      sections: doc.sections.map((s) => ({ ...s, lines: s.lines.slice(0, lines), more: s.more + Math.max(0, s.lines.length - lines) })),
    };
    if (fits(trimmed, ctx)) return { doc: trimmed, ctx };
  }
  return { doc: { ...doc, sections: [], paragraphs: doc.paragraphs.slice(0, 1) }, ctx };
}

// ---- mail ----

function mailText(doc: NotificationDocument, footer: string[], language: Language): string {
  const out: string[] = [doc.title];
  if (doc.subtitle) out.push(clean(doc.subtitle, 200));
  out.push('');
  for (const p of doc.paragraphs) out.push(clean(p, 600), '');
  if (doc.facts.length) {
    for (const [title, value] of doc.facts) out.push(`${title}: ${clean(value)}`);
    out.push('');
  }
  for (const s of doc.sections) {
    out.push(s.title);
    for (const line of s.lines) out.push(`  - ${clean(line)}`);
    if (s.more > 0) out.push(`  ${tn(language, 'digest.more', s.more)}`);
    out.push('');
  }
  if (doc.nextStep) out.push(doc.nextStep, '');
  for (const l of doc.links) out.push(`${l.title}: ${l.url}`);
  if (doc.links.length) out.push('');
  out.push('--', ...footer);
  return out.join('\n') + '\n';
}

const TONE_COLOR: Record<NotificationDocument['tone'], string> = { attention: '#c4314b', warning: '#c19c00', good: '#237b4b', accent: '#0f6cbd', default: '#616161' };

function mailHtml(doc: NotificationDocument, footer: string[], language: Language): string {
  const e = escapeHtml;
  const parts: string[] = [];
  parts.push(`<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${e(doc.title)}</title></head>`);
  parts.push('<body style="margin:0;padding:16px;background:#f5f5f5;font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#242424">');
  parts.push('<table role="presentation" width="100%" style="max-width:640px;margin:0 auto;background:#ffffff;border-collapse:collapse">');
  parts.push(`<tr><td style="padding:16px;border-top:4px solid ${TONE_COLOR[doc.tone]}"><h1 style="margin:0;font-size:20px">${e(doc.title)}</h1>`);
  if (doc.subtitle) parts.push(`<p style="margin:4px 0 0;color:#616161">${e(clean(doc.subtitle, 200))}</p>`);
  parts.push('</td></tr><tr><td style="padding:0 16px 16px">');
  for (const p of doc.paragraphs) parts.push(`<p>${e(clean(p, 600))}</p>`);
  if (doc.facts.length) {
    parts.push('<table role="presentation" style="border-collapse:collapse">');
    for (const [title, value] of doc.facts)
      parts.push(`<tr><td style="padding:2px 16px 2px 0;color:#616161;vertical-align:top">${e(title)}</td><td style="padding:2px 0">${e(clean(value))}</td></tr>`);
    parts.push('</table>');
  }
  for (const s of doc.sections) {
    parts.push(`<h2 style="font-size:16px;margin:16px 0 4px">${e(s.title)}</h2><ul style="margin:0;padding-left:20px">`);
    for (const line of s.lines) parts.push(`<li>${e(clean(line))}</li>`);
    parts.push('</ul>');
    if (s.more > 0) parts.push(`<p style="margin:4px 0;color:#616161">${e(tn(language, 'digest.more', s.more))}</p>`);
  }
  if (doc.nextStep) parts.push(`<p style="color:#616161">${e(doc.nextStep)}</p>`);
  for (const l of doc.links) parts.push(`<p><a href="${e(l.url)}" style="color:#0f6cbd">${e(l.title)}</a></p>`);
  parts.push('</td></tr>');
  parts.push(`<tr><td style="padding:12px 16px;font-size:12px;color:#616161;border-top:1px solid #e0e0e0">${footer.map(e).join('<br>')}</td></tr>`);
  parts.push('</table></body></html>');
  return parts.join('');
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
