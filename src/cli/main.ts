import { SanadError, asSanadError } from '../core/errors.js';
import { createLogger, escapeControls, redact } from '../core/ports.js';
import { configFromEnv, loadDotEnv } from '../config/env.js';
import { runAsk, runAskJsonl } from './ask.js';
import type { CliContext, CliIo } from './context.js';
import { runChat } from './chat.js';
import { runEvalCommand } from './eval.js';
import { runIndex } from './index-command.js';
import { parseCommandLine, type ParsedCommandLine } from './options.js';

const USAGE = `sanad: answers from your knowledge folder, citing the paragraph behind every answer.

Usage:
  sanad ask "question" [--json]         answer one question
  sanad ask --jsonl < questions.txt     one question a line in, one JSON object a line out
  sanad chat                            interactive chat in the terminal (thread memory; /help lists its commands)
  sanad index                           build the index (and its cache) with progress
  sanad add URL [--collection NAME]     save a web page's article into the knowledge folder
  sanad eval FILE [--json] [--corpus QA_FILE] [--limit N]
                                        hit@k, MRR, answer accuracy and declines on a QA file;
                                        --corpus asks them against another set's documents
  sanad sources [--json]                followed feeds and pages: last fetch, status, articles, next run
  sanad sources fetch [URL]             fetch now (every source, or the one given), item by item
  sanad start                           run the bot: web chat, plus Slack/Discord when configured
  sanad briefing --channel ID [--date YYYY-MM-DD] [--json] [--post]
  sanad discord register                register the /ask slash command

Options:
  --knowledge DIR   knowledge folder (default knowledge/, or SANAD_KNOWLEDGE_DIR)
  --allow-private   let add fetch loopback and private addresses (SANAD_ALLOW_PRIVATE_URLS=on)
  -h, --help        this help`;

export type { CliContext, CliIo } from './context.js';

export async function main(argv: string[], io: CliIo = process): Promise<number> {
  let parsed: ParsedCommandLine;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    const e = asSanadError(error);
    io.stderr.write(errorLines(e));
    return 2;
  }
  const { command, positionals } = parsed;
  if (parsed.values.help || !command || command === 'help') {
    (parsed.values.help || command === 'help' ? io.stdout : io.stderr).write(USAGE + '\n');
    return parsed.values.help || command === 'help' ? 0 : 2;
  }
  try {
    loadDotEnv();
    const config = configFromEnv(process.env, { knowledgeDir: parsed.values.knowledge as string | undefined });
    // Logs go to stderr, so stdout stays one clean JSON document for --json.
    const logger = createLogger({ level: command === 'start' ? config.logLevel : 'warn', write: (line) => io.stderr.write(line + '\n') });
    const context: CliContext = { io, config, logger, values: parsed.values, positionals };
    switch (command) {
      case 'ask':
        return parsed.values.jsonl ? await runAskJsonl(context) : await runAsk(context);
      case 'chat':
        return await runChat(context);
      case 'index':
        return await runIndex(context);
      case 'add': {
        const { runAdd } = await import('./add.js');
        return await runAdd(context);
      }
      case 'sources': {
        const { runSources } = await import('./sources.js');
        return await runSources(context);
      }
      case 'eval':
        return await runEvalCommand(context);
      case 'start': {
        const { runStart } = await import('../app/start.js');
        const { progressBar } = await import('./terminal.js');
        // A large knowledge folder takes a while to index: show how far it is (on a terminal).
        return await runStart({ config, logger, stdout: io.stdout, stderr: io.stderr, onProgress: progressBar('indexing') });
      }
      case 'briefing': {
        const { runBriefingCli } = await import('./briefing.js');
        return await runBriefingCli(context);
      }
      case 'discord': {
        const { runDiscordCli } = await import('./discord.js');
        return await runDiscordCli(context);
      }
      default:
        // parseCommandLine knows every command; this is only reached if a new one is not wired here.
        throw new SanadError('internal', `the command "${command}" is not wired`);
    }
  } catch (error) {
    const e = asSanadError(error);
    if (e.code === 'internal') {
      io.stderr.write(`sanad: unexpected error: ${clean(e.message)}\n`);
      return 70;
    }
    io.stderr.write(errorLines(e));
    return e instanceof SanadError && e.code === 'usage' ? 2 : 1;
  }
}

/** A message and its hint: secrets redacted, control characters (terminal escapes) escaped. */
function errorLines(e: { message: string; hint?: string }): string {
  return `sanad: ${clean(e.message)}\n${e.hint ? `  → ${clean(e.hint)}\n` : ''}`;
}

function clean(text: string): string {
  // A list of problems (a config file's, "\n  - …") keeps its lines; any other newline, e.g. in a
  // file name, is escaped, so it cannot forge a line that looks like sanad's own.
  return redact(text)
    .split(/\n(?= {2}- )/)
    .map(escapeControls)
    .join('\n');
}
