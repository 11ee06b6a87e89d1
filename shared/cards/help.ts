import type { Language, MessageKey } from '../i18n/index.js';
import { banner, commandButton, translator } from './common.js';
import { actionSet, card, container, facts, openUrl, text, type AdaptiveCard } from './kit.js';

export type CommandGroup = 'monitoring' | 'actions' | 'conversation';

/** What the help card shows of a chat command (the bot's commands are these and more). */
export interface HelpEntry {
  group: CommandGroup;
  /** How to type it, such as `status ‹customer›` (placeholders are translated). */
  syntax: MessageKey;
  /** One line on what it does. */
  summary: MessageKey;
  /** Text for a help-card button that runs it as it is (commands that need no argument). */
  quick?: string | undefined;
}

const GROUPS: CommandGroup[] = ['monitoring', 'actions', 'conversation'];

/** The help card, written from the command registry so it can never list a command that is not there. */
export function helpCard(
  lang: Language,
  commands: readonly HelpEntry[],
  options: { linked: boolean | null; intro?: string; helpLinks?: readonly { title: string; url: string }[] } = { linked: null },
): AdaptiveCard {
  const tr = translator(lang);
  const sections = GROUPS.map((group) => {
    const inGroup = commands.filter((c) => c.group === group);
    if (inGroup.length === 0) return null;
    return container(
      [
        text(tr(`bot.help.group.${group}`), { weight: 'Bolder' }),
        facts(
          inGroup.map((c) => [tr(c.syntax), tr(c.summary)] as const),
          { spacing: 'Small' },
        ),
      ],
      { spacing: 'Medium' },
    );
  });
  const quick = commands.filter((c) => c.quick).map((c) => commandButton(c.quick!, c.quick!));
  return card(
    [
      banner(tr('bot.help.title'), tr('bot.help.subtitle'), 'accent'),
      options.intro ? text(options.intro, { max: 600 }) : null,
      ...sections,
      text(tr('bot.help.tips'), { isSubtle: true, spacing: 'Medium', max: 600 }),
      options.linked === false ? text(tr('bot.help.notLinked'), { color: 'Warning', spacing: 'Small', max: 400 }) : null,
      // The provider's help menu (Help Center, Knowledge Base, Open a Support Case), as the hub's support settings say.
      actionSet(
        (options.helpLinks ?? []).filter((l) => /^https:\/\/\S+$/.test(l.url)).map((l) => openUrl(l.title, l.url)),
        { spacing: 'Medium' },
      ),
    ],
    [...quick.slice(0, 4), ...(options.linked === false ? [commandButton(tr('bot.button.link'), 'link')] : [])],
    { fallbackText: tr('bot.help.title') },
  );
}
