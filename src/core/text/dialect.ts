import {
  QUESTION_WORDS,
  GRAMMAR_WORDS,
  CONTENT_WORDS,
  EGYPTIAN,
  MAGHREBI,
  PHRASES,
  MSA_QUESTION_WORDS,
  IN_SITU,
  FRAME_NOUNS,
} from './dialect-lexicon.js';
import { normalizeForMatch } from './normalize.js';

/**
 * Chat Arabic read as Modern Standard Arabic, so retrieval, answer typing and the decline model
 * see the grammar the knowledge is written in. Team members type in their dialect: Gulf "وش
 * اسم…", Levantine "شو بيعملوا…", Egyptian "هيكون امتى…", Maghrebi "شحال من واحد كيجمعو…".
 * Two layers, both from the dialects' grammar, not from any question list:
 *
 * 1. A closed lexicon of grammar words (question words, relatives, demonstratives, the
 *    possessive particles, modal and aspect particles, "now"/"want"), plus the commonest
 *    dialect verbs and nouns of chat whose MSA form differs ("حكى" → "قال", "النت" → "الإنترنت").
 *    These words are not MSA, so reading them as MSA is safe whatever the knowledge says.
 * 2. Verb morphology: the b- imperfect (Levantine, Egyptian, Gulf: "بيعملوا"), the ha- future
 *    (Egyptian: "هيكون"), the k- imperfect (Maghrebi: "كيجمعو"), the plural "-و"/"-وا" for MSA
 *    "-ون", and the Levantine "هال-" ("this"). These prefixes look like MSA letters ("بيان",
 *    "هيكل", "كتاب"), so a word is rewritten only when the knowledge does not use it as written
 *    (`known` says), and the ha-/k- prefixes only in a message with other words of that dialect.
 *
 * The result is normalised text (see normalizeForMatch), for matching only: what the person
 * wrote is what the bot shows.
 */
export type Dialect = 'gulf' | 'levantine' | 'egyptian' | 'maghrebi';

const WORD = /[\p{L}\p{N}]+/gu;
const ARABIC_WORD = /^[\u0621-\u064A]+$/;

export interface DialectReading {
  /** The message in MSA grammar words, normalised. */
  text: string;
  /** Whether anything was rewritten. */
  changed: boolean;
}

/**
 * Reads a chat message as MSA. `known` says whether the knowledge uses a (normalised) word as
 * written; without it, only the closed lexicon applies.
 */
export function readDialect(message: string, known: (word: string) => boolean = () => false): DialectReading {
  const normal = normalizeForMatch(message)
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  let text = normal;
  for (const [pattern, replacement] of PHRASES) text = text.replace(pattern, replacement);
  const tokens = text.split(' ').filter(Boolean);
  const context: WordContext = {
    egyptian: tokens.some((t) => EGYPTIAN.has(t) || (t.startsWith('و') && EGYPTIAN.has(t.slice(1)))),
    maghrebi: tokens.some((t) => MAGHREBI.has(t) || (t.startsWith('و') && MAGHREBI.has(t.slice(1)))),
    // A dialect grammar word elsewhere in the message: MSA has passives like "بيعت" too.
    dialectal: tokens.some(
      (t) =>
        QUESTION_WORDS[t] !== undefined ||
        GRAMMAR_WORDS[t] !== undefined ||
        (QUESTION_WORDS[t.slice(1)] !== undefined && t.startsWith('و')),
    ),
    known,
  };
  const words: string[] = [];
  tokens.forEach((token, i) => {
    // Egyptian "طب" opening a message is "well, so" (elsewhere it is medicine).
    if (i === 0 && token === 'طب' && tokens.length > 2) return;
    // Levantine "عم" marks the progressive before a verb ("عم يجمعوا"); elsewhere it is a noun.
    if (token === 'عم' && IMPERFECT.test(tokens[i + 1] ?? '')) return;
    // Egyptian and Maghrebi negation wraps the verb: "ما نقدرش" is "لا نستطيع".
    if ((context.egyptian || context.maghrebi) && tokens[i - 1] === 'ما' && token.length >= 4 && token.endsWith('ش') && !known(token))
      token = token.slice(0, -1);
    // "الي" is also a normalised "إلى", but right after a question word ("مين الي قال…", "شو
    // الي صار") it can only be the relative pronoun "اللي" typed short.
    // "صار" is "happened" after a question word or "اللي" ("شو صار؟", "اللي صار"); elsewhere it is
    // "has been, became", a copula like "كان": "كم سنة صار…" asks for the years.
    if (BECAME.has(token) && !(i > 0 && (isQuestionWord(tokens[i - 1]!) || RELATIVES.has(tokens[i - 1]!)))) return;
    const read = token === 'الي' && i > 0 && isQuestionWord(tokens[i - 1]!) ? 'الذي' : readWord(token, context);
    if (read) words.push(read);
  });
  let out = words.join(' ');
  const inSitu = frontQuestionWord(out);
  if (inSitu) out = inSitu;
  return { text: out, changed: out !== normal };
}

const BECAME = new Set(['صار', 'صارت', 'صارو', 'صاروا', 'صارله', 'صارلها', 'صارلهم', 'صارلو']);
const RELATIVES = new Set(['اللي', 'يلي', 'الي', 'اللى', 'الذي', 'التي']);

function isQuestionWord(token: string): boolean {
  const bare = token.startsWith('و') && token.length > 2 ? token.slice(1) : token;
  return QUESTION_WORDS[bare] !== undefined || MSA_QUESTION_WORDS.has(bare);
}

/**
 * Egyptian and Levantine keep the question word in place: "فرنسا عايزة قرار ضد إيه؟", "هي فرنسا
 * دخلت الساحل من امتى؟". MSA puts it first, and the answer typing reads it there.
 */
function frontQuestionWord(text: string): string | null {
  const words = text.split(' ');
  const startsAsked = MSA_QUESTION_WORDS.has(words[0]!) || (words[0] === 'و' && MSA_QUESTION_WORDS.has(words[1] ?? ''));
  if (startsAsked || words.length < 3) return null;
  for (const size of [2, 1]) {
    const tail = words.slice(-size).join(' ');
    if (IN_SITU.has(tail)) {
      const rest = words.slice(0, -size);
      // "واسم العملية … إيه؟": the "و" goes in front of the question word, "و ما اسم …".
      if (/^و\S{3,}$/.test(rest[0]!) && FRAME_NOUNS.has(rest[0]!.slice(1))) rest.splice(0, 1, 'و', rest[0]!.slice(1));
      const lead = rest[0] === 'و' ? ['و'] : [];
      return [...lead, tail, ...rest.slice(lead.length)].join(' ');
    }
  }
  return null;
}

interface WordContext {
  egyptian: boolean;
  maghrebi: boolean;
  dialectal: boolean;
  known: (word: string) => boolean;
}

function readWord(token: string, context: WordContext): string {
  if (!ARABIC_WORD.test(token)) return token;
  const grammar = grammarWord(token);
  if (grammar !== undefined) return grammar;
  // A conjunction in front of a question or grammar word: "ووين", "وشو", "وكم" → "و أين".
  if (token.length > 2 && token.startsWith('و')) {
    const rest = token.slice(1);
    const read = grammarWord(rest) ?? (MSA_QUESTION_WORDS.has(rest) ? rest : undefined);
    if (read !== undefined) return read ? `و ${read}` : 'و';
  }
  // "بيشمل", "بتنسق": the b- imperfect of a verb the knowledge uses (MSA puts no "ب" on a verb).
  if (token.length >= 5 && /^ب[يتن]/.test(token) && context.known(token.slice(1))) return readVerb(token, context) ?? token.slice(1);
  if (context.known(token)) return token;
  // The article on a dialect noun: "الحاجات" is "الأشياء".
  const defined = token.startsWith('ال') && token.length > 4 ? (CONTENT_WORDS[token.slice(2)] ?? GRAMMAR_WORDS[token.slice(2)]) : undefined;
  if (defined) return /^ال/.test(defined) || defined.includes(' ') ? defined : `ال${defined}`;
  const content = CONTENT_WORDS[token] ?? contentBehindProclitic(token, context);
  if (content) return content;
  return readVerb(token, context) ?? token;
}

/** Prepositions and "و" written onto a word: "بالإيميل", "فالسيمانة" (Maghrebi "ف" for "في"). */
const PROCLITICS = ['وب', 'ول', 'وف', 'و', 'ب', 'ل', 'ف', 'ك'];

function contentBehindProclitic(token: string, context: WordContext): string | undefined {
  for (const proclitic of PROCLITICS) {
    if (!token.startsWith(proclitic) || token.length - proclitic.length < 3) continue;
    let rest = token.slice(proclitic.length);
    // "لل…" is "ل" + "ال…".
    if (proclitic.endsWith('ل') && rest.startsWith('ل')) rest = `ا${rest}`;
    const read = CONTENT_WORDS[rest] ?? (context.known(rest) ? undefined : (readVerb(rest, context) ?? undefined));
    if (read) return proclitic.startsWith('و') ? `و ${read}` : read;
  }
  return undefined;
}

/** Closed-class words: read as MSA whatever the knowledge says (they are not MSA). */
function grammarWord(word: string): string | undefined {
  return QUESTION_WORDS[word] ?? GRAMMAR_WORDS[word];
}

const IMPERFECT = /^[يتنا]/;

/** Dialect verb morphology, tried on a word the knowledge does not use as written. */
function readVerb(token: string, context: WordContext): string | null {
  let word = token;
  // The dialect passive: "انكتب" / "اتنشر" for "كُتب" / "نُشر"; in the imperfect, "ينتبنى" /
  // "بيتنشر" for "يُتبنّى" / "يُنشر", where the knowledge uses the verb without its "ن" or "ت"
  // (MSA's "ينتظر" keeps it: "تظر" is no word).
  if (context.dialectal && /^(ان|ات)\S{3}$/.test(word)) return CONTENT_WORDS[word.slice(2)] ?? word.slice(2);
  const passive = /^ب?[يت][نت](\S{3,})$/.exec(word)?.[1];
  if (context.dialectal && passive && (context.known(passive) || CONTENT_WORDS[passive])) return CONTENT_WORDS[passive] ?? passive;
  // Levantine "هالمؤتمر": "this conference".
  if (/^هال\S{3,}$/.test(word)) return word.slice(1);
  // Aspect prefixes on the imperfect: b- (Levantine, Egyptian, Gulf), ha- (Egyptian), k- (Maghrebi).
  // (Not "با…": that is the preposition on a noun, "باريس", "بالاجتماع".)
  // MSA never puts "ب" on a verb: where the knowledge uses the verb without it, it is the b- imperfect.
  if (word.length >= 4 && /^ب[يتن]/.test(word) && (context.dialectal || context.known(word.slice(1)))) word = word.slice(1);
  // Maghrebi past feminine "-ات" ("تأسسات", "شاركات") for MSA "-ت", where the knowledge has that form.
  else if (context.maghrebi && word.length >= 5 && word.endsWith('ات') && context.known(`${word.slice(0, -2)}ت`))
    return `${word.slice(0, -2)}ت`;
  else if (context.egyptian && word.length >= 4 && word.startsWith('ه') && IMPERFECT.test(word[1]!)) word = word.slice(1);
  else if (context.maghrebi && word.length >= 4 && word.startsWith('ك') && IMPERFECT.test(word[1]!)) word = word.slice(1);
  // The plural of the imperfect: dialect "يجمعوا" / "يجمعو" for MSA "يجمعون".
  if (IMPERFECT.test(word[0]!) && word.length >= 4) {
    if (word.endsWith('وا')) word = `${word.slice(0, -2)}ون`;
    else if (context.dialectal && word.endsWith('و') && !word.endsWith('وو')) word = `${word}ن`;
  }
  if (word === token) return null;
  return CONTENT_WORDS[word] ?? word;
}

/** Which dialect a message is written in, when its grammar words say so; null for MSA or unknown. */
export function detectDialect(message: string): Dialect | null {
  const tokens = normalizeForMatch(message).match(WORD) ?? [];
  const has = (words: string[]) => tokens.some((t) => words.includes(t) || (t.startsWith('و') && words.includes(t.slice(1))));
  if (tokens.some((t) => MAGHREBI.has(t) && t !== 'فين')) return 'maghrebi';
  if (tokens.some((t) => EGYPTIAN.has(t))) return 'egyptian';
  if (has(['وش', 'ايش', 'وين', 'اللي', 'يبي', 'تبي', 'ابي', 'الحين', 'واجد', 'وايد', 'شلون'])) return 'gulf';
  if (has(['شو', 'قديش', 'ايمتي', 'يلي', 'بدي', 'بدو', 'بدها', 'هلق', 'هيك', 'كتير', 'عم', 'مين'])) return 'levantine';
  return null;
}
