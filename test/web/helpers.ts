/**
 * Test helpers for the web chat: the real assistant (and a recorder around it), a hand-written
 * fake for the edge cases the real knowledge cannot produce, and a server on a free loopback port.
 */
import { existsSync } from 'node:fs';
import { createAssistant } from '../../src/core/index.js';
import { createWebServer, type BriefingChannel, type BriefingProvider, type WebServerOptions } from '../../src/adapters/web/index.js';
import { silentLogger, type Logger } from '../../src/core/ports.js';
import { MemoryStateStore } from '../../src/core/state.js';
import { detectLanguage } from '../../src/core/text/index.js';
import type { Answer, AnswerEvent, AskOptions, Assistant, Citation } from '../../src/core/types.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import type { Briefing } from '../../src/briefing/model.js';
import { toBriefingView } from '../../src/briefing/render-text.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export const AMBASSADOR_Q = 'من هو سفير فرنسا لدى الأمم المتحدة؟';
export const DECLINE_Q = 'من فاز بكأس العالم لكرة القدم عام 2018؟';

export interface FakeParagraph extends Omit<Citation, 'n' | 'score' | 'quote'> {
  /** The question matches this paragraph when it contains one of these words. */
  keywords: string[];
  quote: string;
}

const TITLE = 'جهود فرنسا في مكافحة الإرهاب داخليا وعلى المستوى الأممي';
const AMBASSADOR_TEXT =
  'وقال السفير الفرنسي في الأمم المتحدة فرنسوا ديلاتر أنه "ما زالت هناك تحديات كبيرة يجب مواجهتها". وأعلن أنه سيقدم "في الأسابيع المقبلة" مشروع قرار "مخصص لمكافحة تمويل الإرهاب".';

export const ARTICLE_PARAGRAPHS: FakeParagraph[] = [
  {
    paragraphId: 'france-counterterrorism.ar.txt#2',
    document: 'france-counterterrorism.ar.txt',
    collection: 'default',
    title: TITLE,
    paragraph: 2,
    section: null,
    text: AMBASSADOR_TEXT,
    quote: 'وقال السفير الفرنسي في الأمم المتحدة فرنسوا ديلاتر أنه "ما زالت هناك تحديات كبيرة يجب مواجهتها".',
    keywords: ['سفير', 'ambassador'],
  },
  {
    paragraphId: 'france-counterterrorism.ar.txt#30',
    document: 'france-counterterrorism.ar.txt',
    collection: 'default',
    title: TITLE,
    paragraph: 30,
    section: 'سورية والعراق',
    text: 'شاركت فرنسا إلى التحالف الدولي لمحاربة تنظيم داعش في آب/أغسطس 2014 من خلال عملية شمال بهدف دعم السلطات العراقية في حربها ضد التنظيم الإرهابي.',
    quote: 'شاركت فرنسا إلى التحالف الدولي لمحاربة تنظيم داعش في آب/أغسطس 2014 من خلال عملية شمال',
    keywords: ['شمال'],
  },
];

/** A paragraph full of markup, like the one in `hostileKnowledgeDir()`. */
export const HOSTILE_PARAGRAPH: FakeParagraph = {
  paragraphId: 'hostile.ar.txt#3',
  document: 'hostile.ar.txt',
  collection: 'default',
  title: 'إعلانات الفريق <img src=x onerror="window.__pwned=1">',
  paragraph: 3,
  section: '<script>window.__pwned=2</script>',
  text: 'نص يحاول الحقن <script>window.__pwned=3</script> و <img src=x onerror="window.__pwned=4"> و *عريض* في وسط الفقرة.',
  quote: 'نص يحاول الحقن <script>window.__pwned=3</script> و <img src=x onerror="window.__pwned=4">',
  keywords: ['الحقن', 'inject'],
};

export interface FakeAssistant extends Assistant {
  calls: { question: string; options: AskOptions | undefined }[];
}

/**
 * Answers from a few paragraphs by keyword, like the real one answers from the index: the quote
 * with a [1] marker, citing the paragraph; a follow-up matches through the conversation; no match
 * is a decline with the closest paragraph.
 */
export function fakeAssistant(paragraphs: FakeParagraph[] = ARTICLE_PARAGRAPHS): FakeAssistant {
  const calls: FakeAssistant['calls'] = [];
  const find = (text: string) => paragraphs.find((p) => p.keywords.some((k) => text.includes(k)));

  function answer(question: string, options?: AskOptions): Answer {
    calls.push({ question, options });
    const context = (options?.conversation ?? []).map((t) => t.text).join(' ');
    const hit = find(question) ?? find(context);
    const language = detectLanguage(question);
    const cite = (p: FakeParagraph, n: number, score: number): Citation => {
      const { keywords: _k, ...rest } = p;
      return { ...rest, n, score };
    };
    const timings = { retrieveMs: 1, answerMs: 1, totalMs: 2 };
    if (!hit) {
      const closest = paragraphs[0]!;
      return {
        question,
        answer:
          language === 'ar'
            ? 'لم أجد في المعرفة المتاحة ما يجيب عن هذا السؤال.'
            : "I couldn't find an answer to that in the knowledge I have.",
        abstained: true,
        language,
        mode: 'extractive',
        citations: [cite(closest, 1, 0.1)],
        retrieved: [],
        timings,
      };
    }
    return {
      question,
      answer: `${hit.quote} [1]`,
      abstained: false,
      language,
      mode: 'extractive',
      citations: [cite(hit, 1, 0.9)],
      retrieved: [{ ...cite(hit, 1, 0.9) }].map(({ n: _n, quote: _q, ...r }) => r),
      timings,
    };
  }

  return {
    calls,
    ask: async (question, options) => answer(question, options),
    askStream: (question, options) =>
      (async function* (): AsyncGenerator<AnswerEvent> {
        const final = answer(question, options);
        for (const word of final.answer.split(/(?<= )/)) {
          await new Promise((r) => setTimeout(r, 2));
          yield { type: 'delta', text: word };
        }
        yield { type: 'final', answer: final };
      })(),
    paragraph: (id) => {
      const p = paragraphs.find((x) => x.paragraphId === id);
      if (!p) return null;
      const { keywords: _k, ...rest } = p;
      return { ...rest, n: 1, score: 1 };
    },
  } satisfies FakeAssistant;
}

/** An assistant that fails, to check that errors become an id and never a stack trace. */
export function failingAssistant(): Assistant {
  const fail = () => {
    throw new Error('index exploded at /secret/path.ts:12');
  };
  return {
    ask: async () => fail(),
    askStream: () =>
      (async function* (): AsyncGenerator<AnswerEvent> {
        yield { type: 'delta', text: 'partial ' };
        fail();
      })(),
    paragraph: () => fail(),
  };
}

/** A hostile question someone asked yesterday: the briefing lists declined questions verbatim. */
export const HOSTILE_DECLINED = '<img src=x onerror="window.__pwned=7"> ما موعد <script>window.__pwned=8</script> الاجتماع؟';

/**
 * Briefings as the briefing engine renders them for the web (`toBriefingView`), from a
 * hand-built `Briefing` model: what the page gets in production, without the scheduler.
 */
/** The article of the fake briefing's followed source. */
export const SOURCE_ARTICLE_URL = 'https://news.example/2026/03/01/article?id=7';

export function fakeBriefing(cited: Omit<FakeParagraph, 'keywords'> = ARTICLE_PARAGRAPHS[0]!): BriefingProvider {
  const p = cited;
  const point = {
    quote: p.quote,
    document: p.document,
    title: p.title,
    paragraph: p.paragraph,
    section: p.section,
    paragraphId: p.paragraphId,
    collection: p.collection,
  };
  const base: Briefing = {
    date: '2026-03-02',
    language: 'ar',
    direction: 'rtl',
    kind: 'news',
    documents: [{ document: p.document, title: p.title, date: '2019-02-03', collection: p.collection, status: 'new', points: [point] }],
    moreDocuments: 0,
    highlights: [],
    // A followed source's new article: its link must be a link, and only an http(s) one.
    sources: [
      {
        name: 'أخبار المثال',
        url: 'https://news.example/feed.xml',
        more: 0,
        articles: [
          {
            document: 'sources/news.example/article.md',
            title: 'مقال جديد javascript:alert(1)',
            date: '2026-03-01',
            url: SOURCE_ARTICLE_URL,
            status: 'new',
            points: [point],
          },
        ],
      },
    ],
    yesterday: { asked: 3, answered: 2, declined: 1, up: 1, down: 0, declinedQuestions: [HOSTILE_DECLINED] },
  };
  const earlier: Briefing = {
    ...base,
    date: '2026-03-01',
    kind: 'activity',
    documents: [],
    yesterday: { ...base.yesterday, declinedQuestions: [] },
  };
  const channels: BriefingChannel[] = [
    { key: 'web:general', platform: 'web', label: 'general', cron: '0 8 * * *', timezone: 'UTC', notPosted: 'web_only' },
    {
      key: 'slack:C0123SECURITY',
      platform: 'slack',
      label: '#security',
      cron: '0 8 * * 1-5',
      timezone: 'Europe/Paris',
      notPosted: 'not_connected',
    },
  ];
  // The second channel's briefing: the same model, told apart by its label and its day.
  const security: Briefing = { ...base, date: '2026-03-03' };
  return {
    channels: () => channels,
    today: async (key) => (key === channels[1]!.key ? toBriefingView(security, '#security') : toBriefingView(base, 'general')),
    history: async (key) => (key === channels[1]!.key ? [] : [toBriefingView(earlier, 'general')]),
  };
}

/** Records log lines, to check that errors are logged with their id. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  // Errors as the real logger writes them (name and message; an Error has no own enumerable fields).
  const json = (f: Record<string, unknown> | undefined) =>
    JSON.stringify(f ?? {}, (_k, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message } : v));
  const make = (prefix: string): Logger => ({
    debug: (m, f) => lines.push(`DEBUG [${prefix}] ${m} ${json(f)}`),
    info: (m, f) => lines.push(`INFO [${prefix}] ${m} ${json(f)}`),
    warn: (m, f) => lines.push(`WARN [${prefix}] ${m} ${json(f)}`),
    error: (m, f) => lines.push(`ERROR [${prefix}] ${m} ${json(f)}`),
    child: (p) => make(`${prefix}:${p}`),
  });
  return Object.assign(make('sanad'), { lines });
}

export interface Running {
  url: string;
  store: MemoryStateStore;
  stop: () => Promise<void>;
}

/** A web server on 127.0.0.1 with a free port. */
export async function startWeb(options: Partial<WebServerOptions> = {}): Promise<Running> {
  const store = (options.store as MemoryStateStore | undefined) ?? new MemoryStateStore();
  const web = createWebServer({
    ...options,
    assistant: options.assistant ?? fakeAssistant(),
    logger: options.logger ?? silentLogger,
    store,
    port: 0,
  });
  const { url } = await web.start();
  return { url, store, stop: () => web.stop() };
}

/** The real assistant over a knowledge folder (default: the repo's `knowledge/`). */
export function realAssistant(knowledgeDir: string = ARTICLE_KNOWLEDGE): Promise<Assistant> {
  return createAssistant({ knowledgeDir });
}

/** Wraps an assistant to record what it was asked (question and options), delegating the rest. */
export function recording(assistant: Assistant): Assistant & { calls: FakeAssistant['calls'] } {
  const calls: FakeAssistant['calls'] = [];
  return {
    calls,
    ask: (question, options) => {
      calls.push({ question, options });
      return assistant.ask(question, options);
    },
    askStream: (question, options) => {
      calls.push({ question, options });
      return assistant.askStream(question, options);
    },
    paragraph: (id) => assistant.paragraph(id),
  };
}
