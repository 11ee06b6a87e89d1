import type { Command } from '../context.js';
import type { CommandSyntax } from '../parse.js';
import { customers } from './customers.js';
import { disablePolicy } from './disable-policy.js';
import { enablePolicy } from './enable-policy.js';
import { failed } from './failed.js';
import { help } from './help.js';
import { link } from './link.js';
import { resendInvite } from './resend-invite.js';
import { sendInvite } from './send-invite.js';
import { stale } from './stale.js';
import { startPolicy } from './start-policy.js';
import { status } from './status.js';
import { stopPolicy } from './stop-policy.js';
import { subscribe } from './subscribe.js';
import { unsubscribe } from './unsubscribe.js';
import { usage } from './usage.js';

/**
 * Every chat command, in the order the help card lists them (grouped there). The same table
 * drives parsing, dispatch and the help card.
 */
export const commands: readonly Command[] = [
  status,
  customers,
  failed,
  stale,
  usage,
  startPolicy,
  stopPolicy,
  enablePolicy,
  disablePolicy,
  sendInvite,
  resendInvite,
  subscribe,
  unsubscribe,
  link,
  help,
];

/** The parse table: names, phrases and argument grammars only. */
export const commandSyntax: readonly CommandSyntax[] = commands.map(({ name, phrases, args }) => ({ name, phrases, args }));
