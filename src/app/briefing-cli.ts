import { SanadError } from '../core/errors.js';
import type { CliContext } from '../cli/main.js';

/** `sanad briefing`: wired to the briefing engine in src/briefing once it lands. */
export async function runBriefingCli(_context: CliContext): Promise<number> {
  throw new SanadError('not_available', 'Briefings are not wired into this build yet.', { hint: 'See docs/channels.md.' });
}
