import type { Language } from '../i18n/index.js';
import { banner, commandButton, linkButton, translator, type Tone, type CardLinks } from './common.js';
import { bullets, card, compact, text, type AdaptiveCard, type CardButton } from './kit.js';

/** Short answers: problems, refusals, "did you mean", the link instructions, the welcome. */

export function problemCard(_lang: Language, input: { title: string; message?: string; details?: string[]; tone?: Tone; buttons?: (CardButton | null)[] }): AdaptiveCard {
  const tone = input.tone ?? 'attention';
  return card([banner(input.title, undefined, tone), input.message ? text(input.message, { max: 600 }) : null, ...bullets(input.details ?? [])], compact(input.buttons ?? []), {
    fallbackText: `${input.title}${input.message ? `: ${input.message}` : ''}`,
  });
}

/** The API refused for lack of a permission: say which, politely, and who can help. */
export function forbiddenCard(lang: Language, permission: string | null, message: string): AdaptiveCard {
  const tr = translator(lang);
  return problemCard(lang, {
    title: tr('bot.forbidden.title'),
    message: permission ? tr('bot.forbidden.permission', { permission }) : message,
    details: [tr('bot.forbidden.ask')],
    tone: 'warning',
  });
}

/** How to connect a Teams account to an SP Hub user. */
export function notLinkedCard(lang: Language, links: CardLinks): AdaptiveCard {
  const tr = translator(lang);
  return card(
    [
      banner(tr('bot.link.needed.title'), tr('bot.link.needed.subtitle'), 'accent'),
      text(tr('bot.link.why')),
      ...bullets([tr('bot.link.step1'), tr('bot.link.step2'), tr('bot.link.step3')], { max: 400 }),
    ],
    compact([linkButton(lang, 'hub', links, '/api/v1/docs'), commandButton(tr('bot.button.help'), 'help')]),
    { fallbackText: tr('bot.link.needed.title') },
  );
}

export function unknownCommandCard(lang: Language, word: string, suggestion?: { text: string }): AdaptiveCard {
  const tr = translator(lang);
  return problemCard(lang, {
    title: tr('bot.unknown.title', { word }),
    message: suggestion ? tr('bot.unknown.suggest', { text: suggestion.text }) : tr('bot.unknown.help'),
    tone: 'warning',
    buttons: [suggestion ? commandButton(suggestion.text, suggestion.text) : null, commandButton(tr('bot.button.help'), 'help')],
  });
}

/** The command was recognised but its arguments were not: show how to type it. */
export function usageHintCard(lang: Language, problem: string, syntax: string, example?: string): AdaptiveCard {
  const tr = translator(lang);
  return problemCard(lang, {
    title: problem,
    message: tr('bot.usageHint', { syntax }),
    details: example ? [tr('bot.example', { example })] : [],
    tone: 'warning',
    buttons: [commandButton(tr('bot.button.help'), 'help')],
  });
}

export type NameKind = 'customer' | 'policy';

/** Nothing matched the typed name; offer the close ones as buttons that re-run the command. */
export function didYouMeanCard(lang: Language, kind: NameKind, typed: string, suggestions: { label: string; commandText: string }[]): AdaptiveCard {
  const tr = translator(lang);
  const title = tr(kind === 'customer' ? 'bot.notFound.customer' : 'bot.notFound.policy', { name: typed });
  return problemCard(lang, {
    title,
    message: suggestions.length ? tr('bot.didYouMean') : tr(kind === 'customer' ? 'bot.notFound.customerHint' : 'bot.notFound.policyHint'),
    tone: 'warning',
    buttons: suggestions.length
      ? suggestions.slice(0, 5).map((s) => commandButton(s.label, s.commandText))
      : [kind === 'customer' ? commandButton(tr('bot.button.customers'), 'customers') : commandButton(tr('bot.button.help'), 'help')],
  });
}

/**
 * A command that changes something named no item exactly: the close ones as buttons that re-run
 * it with the exact name (nothing happens before a click), or how to find the name.
 */
export function notExactCard(lang: Language, kind: NameKind, typed: string, candidates: { label: string; commandText: string }[]): AdaptiveCard {
  const tr = translator(lang);
  if (candidates.length === 0) return didYouMeanCard(lang, kind, typed, []);
  return problemCard(lang, {
    title: tr(kind === 'customer' ? 'bot.notExact.customer' : 'bot.notExact.policy', { name: typed }),
    message: tr('bot.notExact.pick'),
    tone: 'accent',
    buttons: candidates.slice(0, 5).map((c) => commandButton(c.label, c.commandText)),
  });
}

/** Several items fit the typed name equally well: let the user pick. */
export function ambiguousCard(lang: Language, kind: NameKind, typed: string, candidates: { label: string; commandText: string }[], total = candidates.length): AdaptiveCard {
  const tr = translator(lang);
  const more = total - Math.min(5, candidates.length);
  return problemCard(lang, {
    title: tr(kind === 'customer' ? 'bot.ambiguous.customer' : 'bot.ambiguous.policy', { name: typed }),
    message: tr('bot.ambiguous.pick'),
    details: more > 0 ? [tr(kind === 'policy' ? 'bot.ambiguous.more' : 'bot.more', { count: more })] : [],
    tone: 'accent',
    buttons: candidates.slice(0, 5).map((c) => commandButton(c.label, c.commandText)),
  });
}

/** Posted when the bot is added to a chat, team or channel. */
export function welcomeCard(lang: Language, kind: 'personal' | 'groupChat' | 'channel', linkedAs: string | null): AdaptiveCard {
  const tr = translator(lang);
  return card(
    [
      banner(tr('bot.welcome.title'), tr('bot.welcome.subtitle'), 'accent'),
      text(tr('bot.welcome.intro'), { max: 600 }),
      text(linkedAs ? tr('bot.welcome.linked', { name: linkedAs }) : tr('bot.welcome.personal'), { max: 600 }),
      kind === 'personal' ? null : text(tr('bot.welcome.channel'), { max: 600 }),
    ],
    compact([commandButton(tr('bot.button.help'), 'help'), linkedAs ? commandButton(tr('bot.button.failed'), 'failed') : commandButton(tr('bot.button.link'), 'link')]),
    { fallbackText: tr('bot.welcome.title') },
  );
}
