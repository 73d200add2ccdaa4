import { buildAssistant } from '../app/assistant.js';
import { SanadError } from '../core/errors.js';
import { runChatEval, CHAT_ANSWER_CHARS, type ChatConversation, type ChatSummary } from '../eval/chat.js';
import { readEvalFile, readQaFile } from '../eval/qa-file.js';
import { runEval, type EvalSummary } from '../eval/run-eval.js';
import type { CliContext } from './context.js';
import { progressBar } from './terminal.js';

export async function runEvalCommand(context: CliContext): Promise<number> {
  const [file] = context.positionals;
  if (!file) throw new SanadError('usage', 'eval needs a QA file.', { hint: 'sanad eval ../shared/bench/article-qa.json' });
  const read = await readEvalFile(file);
  if (read.kind === 'chat') return runChatEvalCommand(context, file, read.conversations);
  const { set } = read;
  // --corpus asks the questions against another QA file's documents: none of them is answerable there.
  const corpus = typeof context.values.corpus === 'string' ? await readQaFile(context.values.corpus) : null;
  if (corpus && !corpus.documents) {
    throw new SanadError('usage', `${context.values.corpus} carries no documents to use as a corpus.`, {
      hint: 'Use a QA file with "documents", such as arcd.json.',
    });
  }
  if (corpus || (set.documents && context.values.knowledge)) for (const item of set.items) item.answerable = false;
  const limit = context.values.limit ? Number(context.values.limit) : undefined;
  if (limit) set.items = set.items.slice(0, limit);
  // A QA set that ships its own corpus (ARCD) is asked against it unless --knowledge says otherwise.
  const ownCorpus = corpus?.documents ?? (set.documents && !context.values.knowledge ? set.documents : undefined);
  const assistant = await buildAssistant(context.config, {
    logger: context.logger,
    documents: ownCorpus,
    noCache: !!ownCorpus,
    onProgress: progressBar('indexing'),
  });
  try {
    const report = await runEval(assistant, set, assistant.documents(), progressBar('asking'));
    if (context.values.json) {
      context.io.stdout.write(
        JSON.stringify({ file, knowledge: ownCorpus ? 'qa-file' : context.config.knowledgeDir, ...report }, null, 2) + '\n',
      );
    } else {
      context.io.stdout.write(
        `${file} against ${corpus ? `${context.values.corpus} (all unanswerable there)` : ownCorpus ? "the QA file's own documents" : `${context.config.knowledgeDir}${set.documents ? ' (all unanswerable there)' : ''}`}\n`,
      );
      context.io.stdout.write(table({ all: report.overall, ...report.byLanguage }) + '\n');
    }
    return 0;
  } finally {
    await assistant.close();
  }
}

/** A chat file: conversations asked turn by turn against the knowledge folder, with their history. */
async function runChatEvalCommand(context: CliContext, file: string, conversations: ChatConversation[]): Promise<number> {
  const assistant = await buildAssistant(context.config, { logger: context.logger, onProgress: progressBar('indexing') });
  try {
    const report = await runChatEval(assistant, conversations, progressBar('asking'));
    if (context.values.json) {
      context.io.stdout.write(JSON.stringify({ file, knowledge: context.config.knowledgeDir, ...report }, null, 2) + '\n');
      return 0;
    }
    context.io.stdout.write(
      `${file} against ${context.config.knowledgeDir}: ${conversations.length} conversations, asked turn by turn with their history\n`,
    );
    context.io.stdout.write(chatTable({ all: report.overall, ...report.byDialect }) + '\n');
    const misses = report.rows.filter(
      (r) => (r.expect === 'answer' && !r.correct) || r.wrong || (r.expect === 'help' && r.intent !== 'help'),
    );
    if (misses.length > 0)
      context.io.stdout.write(
        `\nmissed (${misses.length}):\n` +
          misses
            .map(
              (r) =>
                `  ${r.conversation}#${r.turn} [${r.expect}] ${r.question}\n    → ${r.abstained ? '(declined) ' : ''}${r.answer.replace(/\s+/g, ' ').slice(0, 160)}`,
            )
            .join('\n') +
          '\n',
      );
    return 0;
  } finally {
    await assistant.close();
  }
}

function chatTable(groups: Record<string, ChatSummary>): string {
  return grid(groups, [
    ['turns (answer/decline/help)', (s) => `${s.turns} (${s.answerTurns}/${s.declineTurns}/${s.helpTurns})`],
    ['answer accuracy', (s) => pct(s.answerAccuracy)],
    [`correct and ≤ ${CHAT_ANSWER_CHARS} chars`, (s) => pct(s.accuracyShort)],
    ['first citation correct', (s) => pct(s.firstCitationCorrect)],
    ['wrongly declined', (s) => pct(s.wronglyDeclined)],
    ['unanswerable declined', (s) => pct(s.unanswerableDeclined)],
    ['help replies', (s) => pct(s.helpReplies)],
    ['answered wrongly (all turns)', (s) => pct(s.answeredWrongly)],
    ['latency p50 (ms)', (s) => s.latencyP50Ms.toFixed(1)],
  ]);
}

const pct = (x: number | null) => (x === null ? '—' : x.toFixed(3));

function table(groups: Record<string, EvalSummary>): string {
  return grid(groups, [
    ['questions (answerable/not)', (s) => `${s.questions} (${s.answerable}/${s.unanswerable})`],
    ['hit@1', (s) => pct(s.hitAt1)],
    ['1st paragraph holds answer', (s) => pct(s.firstHoldsAnswer)],
    ['hit@3', (s) => pct(s.hitAt3)],
    ['hit@5', (s) => pct(s.hitAt5)],
    ['MRR', (s) => pct(s.mrr)],
    ['answer accuracy', (s) => pct(s.answerAccuracy)],
    ['answers ≤ 400 chars', (s) => pct(s.answersUnder400)],
    ['unanswerable declined', (s) => pct(s.unanswerableDeclined)],
    ['answerable wrongly declined', (s) => pct(s.answerableWronglyDeclined)],
    ['latency p50 / p95 (ms)', (s) => `${s.latencyP50Ms.toFixed(1)} / ${s.latencyP95Ms.toFixed(1)}`],
    ['tokens used', (s) => String(s.tokens)],
    ['LLM fallbacks', (s) => String(s.fallbacks)],
  ]);
}

function grid<S>(groups: Record<string, S>, rows: [string, (s: S) => string][]): string {
  const names = Object.keys(groups);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const col = 14;
  const lines = [''.padEnd(width) + names.map((n) => n.padStart(col)).join('')];
  for (const [label, get] of rows) lines.push(label.padEnd(width) + names.map((n) => get(groups[n]!).padStart(col)).join(''));
  return lines.join('\n');
}
