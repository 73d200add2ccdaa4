/**
 * Fits the window model (src/core/answer/window-model.json) on data, never by hand.
 *
 *   npm run fit-windows            (needs ../shared/bench/arcd/arcd.json)
 *
 * For each ARCD training question (q1..q693) whose first retrieved paragraph holds its gold
 * answer, every candidate window of that paragraph (see windowCandidates) is labelled by whether
 * its quote contains the answer. A linear scorer is fitted with a listwise softmax loss (the
 * chosen window is the argmax, so the loss is the log-probability of the right ones), and the
 * accuracy of the argmax is reported on the training half and on the held-out test half. Chat
 * turns count too (test/fixtures/chat, asked turn by turn with the bot's answers as history),
 * CHAT_WEIGHT times each: they are few, and short chat answers are what the bot is for.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { prepare, windowCandidates, MAX_QUOTE_CHARS, type WindowCandidate } from '../src/core/answer/extractive.js';
import { rerankByAnswer } from '../src/core/answer/rerank.js';
import { answerType } from '../src/core/answer/answer-type.js';
import { WINDOW_FEATURES } from '../src/core/answer/window-model.js';
import { readArabic } from '../src/core/ask/read.js';
import { localEmbedder } from '../src/core/index/embedder.js';
import { KnowledgeIndex } from '../src/core/index/knowledge-index.js';
import { documentFromParagraphs } from '../src/core/knowledge/index.js';
import { retrieve } from '../src/core/retrieve/retriever.js';
import { normalize } from '../src/core/text/index.js';
import { findEvidence } from '../src/core/ask/evidence.js';
import { createAssistant } from '../src/core/assistant.js';
import type { AnswerType } from '../src/core/answer/slots.js';
import type { Paragraph } from '../src/core/knowledge/types.js';
import type { QueryProfile } from '../src/core/retrieve/coverage.js';
import type { Turn } from '../src/core/types.js';

const ARCD = resolve('../shared/bench/arcd/arcd.json');
if (!existsSync(ARCD)) {
  console.error(`fit-windows: ${ARCD} is missing; the shared benchmark folder is needed. Nothing changed.`);
  process.exit(0);
}
interface Arcd {
  documents: { id: string; title: string; paragraphs: string[] }[];
  questions: { id: string; question: string; answers: string[] }[];
}
const arcd = JSON.parse(readFileSync(ARCD, 'utf8')) as Arcd;
const index = new KnowledgeIndex(localEmbedder());
await index.addDocuments(
  arcd.documents.map((d) =>
    documentFromParagraphs({ document: d.id, collection: 'arcd', title: d.title, paragraphs: d.paragraphs, lang: 'ar' }),
  ),
);

interface Sample {
  features: number[][];
  labels: boolean[];
  weight?: number;
}

/** Candidates and labels for the paragraph an answer would come from, when it holds the answer. */
function labelled(paragraph: Paragraph, profile: QueryProfile, type: AnswerType, accepted: string[]): Sample | null {
  const answers = accepted.map(normalize).filter(Boolean);
  if (!answers.some((a) => normalize(paragraph.text).includes(a))) return null;
  const prepared = prepare(paragraph);
  const candidates: WindowCandidate[] = windowCandidates(prepared, profile, type, 3, MAX_QUOTE_CHARS);
  const labels = candidates.map((c) => {
    const quote = normalize(paragraph.text.slice(prepared.clauses[c.from]!.start, prepared.clauses[c.to]!.end));
    return answers.some((a) => quote.includes(a));
  });
  return labels.some(Boolean) ? { features: candidates.map((c) => c.features), labels } : null;
}

const CHAT = resolve('test/fixtures/chat');
const CHAT_WEIGHT = 4;
async function chatSamples(): Promise<Sample[]> {
  if (!existsSync(CHAT)) return [];
  const file = JSON.parse(readFileSync(resolve(CHAT, 'conversations.json'), 'utf8')) as {
    conversations: { turns: { question: string; expect: string; answers?: string[] }[] }[];
  };
  const assistant = await createAssistant({ knowledgeDir: resolve(CHAT, 'knowledge'), cacheDir: null });
  const out: Sample[] = [];
  for (const conversation of file.conversations) {
    const history: Turn[] = [];
    for (const turn of conversation.turns) {
      if (turn.expect === 'answer') {
        const evidence = await findEvidence(assistant.index, { question: turn.question, lang: 'ar', conversation: history, k: 8 });
        const paragraph = evidence.extract?.paragraph;
        const sample =
          paragraph && !evidence.extract!.isList
            ? labelled(paragraph, evidence.retrieval.profile, evidence.reading.type, turn.answers ?? [])
            : null;
        if (sample) out.push({ ...sample, weight: CHAT_WEIGHT });
      }
      const answer = await assistant.ask(turn.question, { conversation: [...history] });
      history.push({ role: 'user', text: turn.question }, { role: 'assistant', text: answer.answer });
    }
  }
  await assistant.close();
  return out;
}
async function samples(questions: Arcd['questions']): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const q of questions) {
    const text = readArabic(q.question, index);
    const type = answerType(text);
    const plain = await retrieve(index, { queries: [text], lang: 'ar', k: 8 });
    const hits = rerankByAnswer(plain.hits, plain.profile, type);
    const top = hits[0];
    if (!top) continue;
    const sample = labelled(top.paragraph, plain.profile, type, q.answers);
    if (sample) out.push(sample);
  }
  return out;
}
const id = (q: { id: string }) => Number(q.id.slice(1));
const arcdTrain = await samples(arcd.questions.filter((q) => id(q) <= 693));
const chat = await chatSamples();
const train = [...arcdTrain, ...chat];
const test = await samples(arcd.questions.filter((q) => id(q) > 693));

const dims = WINDOW_FEATURES.length;
const accuracy = (set: Sample[], w: number[]) =>
  set.filter((s) => {
    const scores = s.features.map((f) => f.reduce((a, v, i) => a + v * w[i]!, 0));
    return s.labels[scores.indexOf(Math.max(...scores))];
  }).length / set.length;

const current = (JSON.parse(readFileSync('src/core/answer/window-model.json', 'utf8')) as { weights: number[] }).weights;
console.log(
  `windows: ${arcdTrain.length} ARCD training questions, ${chat.length} chat turns, ${test.length} held out; current model argmax accuracy ARCD train ${accuracy(arcdTrain, current).toFixed(3)}, chat ${chat.length ? accuracy(chat, current).toFixed(3) : '—'}, ARCD test ${accuracy(test, current).toFixed(3)}`,
);

// Listwise softmax on standardised features; L2 keeps weights small; plain gradient descent.
const all = train.flatMap((s) => s.features);
const mean = Array.from({ length: dims }, (_, j) => all.reduce((a, f) => a + f[j]!, 0) / all.length);
const sd = Array.from({ length: dims }, (_, j) => Math.sqrt(all.reduce((a, f) => a + (f[j]! - mean[j]!) ** 2, 0) / all.length) || 1);
const z = (f: number[]) => f.map((v, j) => (v - mean[j]!) / sd[j]!);
const zTrain = train.map((s) => ({ features: s.features.map(z), labels: s.labels, weight: s.weight }));
const totalWeight = train.reduce((a, s) => a + (s.weight ?? 1), 0);
let w = new Array<number>(dims).fill(0);
const L2 = 0.01;
const RATE = 0.5;
for (let epoch = 0; epoch < 1500; epoch++) {
  const grad = new Array<number>(dims).fill(0);
  for (const s of zTrain) {
    const weight = s.weight ?? 1;
    const scores = s.features.map((f) => f.reduce((a, v, i) => a + v * w[i]!, 0));
    const max = Math.max(...scores);
    const exp = scores.map((x) => Math.exp(x - max));
    const total = exp.reduce((a, b) => a + b, 0);
    const right = exp.reduce((a, e, i) => a + (s.labels[i] ? e : 0), 0);
    s.features.forEach((f, i) => {
      const p = exp[i]! / total;
      const q = s.labels[i] ? exp[i]! / right : 0;
      for (let j = 0; j < dims; j++) grad[j]! += weight * (p - q) * f[j]!;
    });
  }
  w = w.map((x, j) => x - RATE * (grad[j]! / totalWeight + L2 * x));
}
// Back to raw feature space (the argmax ignores the constant the means add).
const weights = w.map((x, j) => Math.round((x / sd[j]!) * 1e5) / 1e5);
console.log(
  `fitted: argmax accuracy ARCD train ${accuracy(arcdTrain, weights).toFixed(3)}, chat ${chat.length ? accuracy(chat, weights).toFixed(3) : '—'} (${chat.length} turns), ARCD test ${accuracy(test, weights).toFixed(3)}`,
);
console.log(Object.fromEntries(WINDOW_FEATURES.map((name, j) => [name, weights[j]])));
writeFileSync('src/core/answer/window-model.json', JSON.stringify({ features: WINDOW_FEATURES, weights }, null, 2) + '\n');
