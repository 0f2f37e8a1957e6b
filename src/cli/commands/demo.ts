import type { Command } from '../command.ts';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Walk through the risk engine on a scripted trading day (no setup needed).',
  async run() {
    console.log('riskgate demo');
    return 0;
  },
};
