import { serviceStatusCard } from '../../shared/cards/service-status.js';
import type { Command } from '../context.js';
import { customerStatus } from '../operations/customer-status.js';
import { resolveCustomer } from '../operations/resolve.js';

/** `status contoso`: the customer's health; `status` alone: the VDC service status per region. */
export const status: Command = {
  name: 'status',
  phrases: ['status', 'zustand', 'health'],
  args: 'optionalCustomer',
  group: 'monitoring',
  syntax: 'bot.cmd.status.syntax',
  summary: 'bot.cmd.status.summary',
  async run(turn, args) {
    if (!args.customer) return serviceStatusCard(turn.language, await turn.api.serviceStatus());
    const found = await resolveCustomer(turn, args.customer, (name) => `status ${name}`);
    return found.card ?? customerStatus(turn, found.item);
  },
};
