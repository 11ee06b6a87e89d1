import { policyCommand } from './policy-command.js';

/** `stop policy mailboxes for contoso`: stops the running session, after a confirmation. */
export const stopPolicy = policyCommand('stop', { phrases: ['stoppe', 'anhalten'], syntax: 'bot.cmd.stop.syntax', summary: 'bot.cmd.stop.summary' });
