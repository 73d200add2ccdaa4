import { runBriefingCommand } from '../briefing/index.js';
import { SanadError } from '../core/errors.js';
import { openServices } from '../app/services.js';
import type { CliContext } from './context.js';

/** `sanad briefing --channel ID [--date YYYY-MM-DD] [--json] [--post]` */
export async function runBriefingCli(context: CliContext): Promise<number> {
  const channel = context.values.channel;
  if (typeof channel !== 'string' || !channel) {
    throw new SanadError('usage', 'briefing needs --channel ID.', {
      hint: 'sanad briefing --channel C0123456789 [--date 2026-11-29] [--json] [--post]',
    });
  }
  const services = await openServices(context.config, context.logger);
  try {
    const { exitCode, output } = await runBriefingCommand(
      { channel, date: context.values.date as string | undefined, json: !!context.values.json, post: !!context.values.post },
      { config: services.settings, runner: services.runner },
    );
    context.io.stdout.write(output.endsWith('\n') ? output : output + '\n');
    return exitCode;
  } finally {
    await services.close();
  }
}
