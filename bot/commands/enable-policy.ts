import { policyCommand } from './policy-command.js';

/** `enable policy mailboxes for contoso`: the schedule runs it again. */
export const enablePolicy = policyCommand('enable', { phrases: ['aktiviere', 'aktivieren'], syntax: 'bot.cmd.enable.syntax', summary: 'bot.cmd.enable.summary' });
