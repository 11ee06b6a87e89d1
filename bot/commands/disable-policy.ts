import { policyCommand } from './policy-command.js';

/** `disable policy mailboxes for contoso`: the schedule stops running it, after a confirmation. */
export const disablePolicy = policyCommand('disable', { phrases: ['deaktiviere', 'deaktivieren'], syntax: 'bot.cmd.disable.syntax', summary: 'bot.cmd.disable.summary' });
