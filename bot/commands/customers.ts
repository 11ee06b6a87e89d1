import type { Command } from '../context.js';
import { customerList } from '../operations/lists.js';

/** `customers` lists customers; `customers contoso` searches like the portal's filter box. */
export const customers: Command = {
  name: 'customers',
  phrases: ['customers', 'customer', 'kunden', 'find'],
  args: 'text',
  group: 'monitoring',
  syntax: 'bot.cmd.customers.syntax',
  summary: 'bot.cmd.customers.summary',
  quick: 'customers',
  run: (turn, args) => customerList(turn, args.text),
};
