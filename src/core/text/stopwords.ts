import { createRequire } from 'node:module';
import { normalizeForMatch } from './normalize.js';

const require = createRequire(import.meta.url);
const iso = require('stopwords-iso') as Record<string, string[]>;

/**
 * Stop words from stopwords-iso, normalised like the text they are checked against, plus the
 * question words and dialect forms that chat questions open with ("شو", "ايه", "وين"), the
 * requests around them ("ممكن تقولي…", "بدي اعرف…", "عايز اعرف…") and the dialect light verbs
 * of "what did X do" ("وش سوت فرنسا"), which say nothing about the subject.
 */
const EXTRA: Record<'ar' | 'en' | 'fr', string[]> = {
  ar: (
    'ما ماذا من متى اين كيف لماذا لم كم هل اي ايه شو ايش وين ليش قديش امتى ايمتى مين ازاي كام فين ليه شلون ' +
    'ال ماهي ماهو ماهم ماهى هو هي هم هذا هذه ذلك تلك التي الذي الذين اللي عن على الى في مع بين حسب بحسب قد ' +
    'يعني بخصوص بالنسبه عند خلال ضد او ام ثم كان كانت يكون تكون ' +
    'ممكن تقولي تقوللي قولي قلي قل لي اخبرني خبرني بدي بدنا عايز عاوز عايزه عاوزه ابغي ابغا ابي ودي اريد نريد اود اعرف نعرف ' +
    'سوال استفسار لو سمحت فضلك رجاء سوت سوي سوا سووا يسوي تسوي سويت بتعمل بيعمل عملت ' +
    // and MSA's light verb of the same question ("ماذا تفعل فرنسا في سورية؟")
    'فعل فعلت فعلوا يفعل تفعل نفعل يفعلون تفعلون ' +
    // The relative pronouns as often typed ("اللذي حصل عليه"), and adverbs of frequency, whose
    // stems are other words ("عادة" → "عاد", returned).
    'اللذي اللتي اللذى اللتى الذى عادة عادتا غالبا احيانا دائما عموما'
  ).split(' '),
  en: 'according regarding tell please know want wondering question'.split(' '),
  fr: 'qu quel quelle quels quelles lequel laquelle selon est-ce'.split(' '),
};

/**
 * A preposition with its attached pronoun ("معهم", "عليكم", "عندنا", "بينهما") is grammar, like
 * the preposition alone: "وكيف حكى معهم؟" asks how he spoke, not about "معهم". stopwords-iso
 * lists only some of these forms.
 */
const PREPOSITIONS = ['مع', 'علي', 'في', 'من', 'عن', 'الي', 'عند', 'لدي', 'بين', 'حول', 'ضد', 'دون', 'نحو', 'ل', 'ب'];
const ATTACHED_PRONOUNS = ['ه', 'ها', 'هم', 'هما', 'هن', 'ك', 'كم', 'ي', 'نا'];
const PREPOSITION_FORMS = PREPOSITIONS.flatMap((p) => ATTACHED_PRONOUNS.map((pronoun) => p + pronoun));

function build(lang: 'ar' | 'en' | 'fr'): Set<string> {
  const own = lang === 'ar' ? PREPOSITION_FORMS : [];
  return new Set([...(iso[lang] ?? []), ...EXTRA[lang], ...own].map((w) => normalizeForMatch(w)));
}

const STOP = { ar: build('ar'), en: build('en'), fr: build('fr') };
/** Stop words of every supported language: a mixed-script question is filtered by all of them. */
const ANY = new Set([...STOP.ar, ...STOP.en, ...STOP.fr]);

export function isStopWord(token: string): boolean {
  return ANY.has(token);
}
