import { createWebServer } from '../adapters/web/index.js';
import { MemoryStateStore } from '../core/state.js';
import type { CliContext } from '../cli/main.js';
import { buildAssistant } from './assistant.js';

/** `sanad start` / `npm start`: the web chat, plus Slack and Discord when their tokens are set. */
export async function runStart(context: CliContext): Promise<number> {
  const { config, logger } = context;
  const assistant = await buildAssistant(config, { logger, watch: true });
  const store = new MemoryStateStore();
  const web = createWebServer({ assistant, store, logger, host: config.host, port: config.port });
  const { url } = await web.start();
  context.io.stdout.write(`sanad web chat: ${url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await web.stop();
  await assistant.close();
  return 0;
}
