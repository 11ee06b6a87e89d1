import { policyCommand } from './policy-command.js';

/** `start policy mailboxes for contoso`: a backup session now. */
export const startPolicy = policyCommand('start', { phrases: ['starte', 'run policy', 'run'], syntax: 'bot.cmd.start.syntax', summary: 'bot.cmd.start.summary' });
