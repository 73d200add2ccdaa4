/**
 * Whether a piece of text holds an answer of the kind a question asks for. A "when" question is
 * answered by the sentence whose date belongs to the event asked about; "how many" by a number;
 * "who is the ambassador" by a name after the title; "what is the name of the operation" by the
 * name that follows "operation".
 */
import { normalizeForMatch } from '../text/index.js';
import { ROLE_NOUNS, datePhase, withoutArticle, type AnswerType } from './answer-type.js';

export type { AnswerType } from './answer-type.js';

const YEAR = /(^|\D)(1[0-9]\d\d|20\d\d)(\D|$)/;
const HIJRI_OR_AD = /\d+\s?(هـ|ه|م)(\s|$|[.،,)])/;
const MONTH =
  /(يناير|فبراير|مارس|ابريل|مايو|يونيو|يوليو|اغسطس|سبتمبر|اكتوبر|نوفمبر|ديسمبر|كانون|شباط|اذار|نيسان|ايار|حزيران|تموز|اب\/|ايلول|تشرين|محرم|صفر|ربيع|جمادي|رجب|شعبان|رمضان|شوال|ذو القعده|ذو الحجه|january|february|march|april|june|july|august|september|october|november|december|janvier|fevrier|avril|juin|juillet|aout|septembre|octobre|novembre|decembre)/;
const WEEKDAY =
  /(^|\s)[وبل]?(ال)?(احد|اثنين|ثلاثاء|ثلاثا|اربعاء|اربعا|خميس|جمعه|سبت|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekday|weekend|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)s?(\s|$|[.،,])/;
const TIME_OF_DAY = /(الساعه \d|\d+(:\d\d)? ?(صباحا|مساء|ظهرا|عصرا|ليلا|am|pm|h\b)|(صباح|مساء|ظهر) (كل|يوم)|o clock|heures?\b)/;
const RELATIVE_DATE =
  /(^|\s)(امس|غدا|الماضي|الماضيه|المقبل|المقبله|القادم|القادمه|السابق|القرن|العقد|بدايه|نهايه|منتصف|مطلع|اواخر|اوايل|النصف الاول|النصف الثاني)(\s|$)/;
const DAY_OF_MONTH = /(^|\s)(يوم|يومي|اليوم|في) \d{1,2}(\s|$)/;

const NUMBER_WORDS =
  /(^|\s)(\d+|[وب]?(واحد|اثن|ثلاث|اربع|خمس|ست|سبع|ثمان|تسع|عشر|عشره|عشرين|عشرات|مئه|مائه|مئات|الف|الاف|مليون|المليون|ملايين|مليار|نحو|حوالي|حوالى|زهاء|نصف|ربع|ثلث|ضعف|يومين|شهرين|سنتين|عامين|ساعتين|اسبوعين|مرتين|مرات)|(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|half|twice|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quarante|cinquante|cent|mille|million|milliard|moitie)(-\S+)?(\s|$|[.,]))/;

const REASON_MARKERS =
  /(^|\s)(بسبب|لان|لانه|لانها|نظرا|في ظل|بهدف|من اجل|بغيه|لكي|كي|اذ|حيث|الوسيله|يسمح|يساعد|because|due to|since|in order to|so that|parce que|car|afin de|en raison)(\s|$)/;
const MANNER_MARKERS = /(^|\s)(عبر|من خلال|بواسطه|عن طريق|بفضل|باستخدام|via|through|by means of|en|par)(\s|$)/;

/** Countries, capitals and regions people ask "where" about, normalised. General knowledge, not the knowledge's. */
const PLACES =
  'فرنسا|باريس|سوريه|سوريا|العراق|مصر|القاهره|الاردن|عمان|لبنان|بيروت|فلسطين|القدس|السعوديه|الرياض|جده|مكه|المدينه|الامارات|دبي|ابوظبي|قطر|الدوحه|الكويت|البحرين|المنامه|اليمن|صنعاء|ليبيا|طرابلس|تونس|الجزاير|المغرب|الرباط|الدار البيضاء|مراكش|موريتانيا|مالي|النيجر|تشاد|بوركينا فاسو|السودان|الخرطوم|تركيا|انقره|اسطنبول|ايران|طهران|افغانستان|باكستان|الهند|الصين|اليابان|روسيا|موسكو|المانيا|برلين|بريطانيا|لندن|اسبانيا|مدريد|ايطاليا|روما|بلجيكا|بروكسل|هولندا|سويسرا|جنيف|اوروبا|افريقيا|اسيا|امريكا|الولايات المتحده|واشنطن|نيويورك|كندا|استراليا|البرازيل|الساحل|الخليج|الشرق الاوسط|شمال افريقيا|سيناء|الجولان';
/** The place names a question names, normalised, without a proclitic or the article. */
export function placesNamed(normalizedText: string): string[] {
  const out: string[] = [];
  for (const m of normalizedText.matchAll(new RegExp(PLACE_WORDS.source, 'g'))) out.push(m[3]!);
  return out;
}

const PLACE_WORDS = new RegExp(`(^|\\s)[وبلف]?(ال)?(${PLACES.replace(/(^|\|)ال/g, '$1')})(\\s|$|[.،,])`);
// A place noun places something only after a locative preposition: "في دولة مجاورة", "بالمنطقة";
// "ممثلون عن سبعين دولة" counts states.
const PLACE_NOUNS =
  /(^|\s)(?:[وف]?(?:في|الي|من|داخل|قرب|خارج|شمال|جنوب|شرق|غرب) |و?ب)(ال)?(مدينه|منطقه|مناطق|دوله|دول|بلد|بلدان|عاصمه|قريه|محافظه|ولايه|اقليم|جزيره|قاره|مكتب|مقر|قاعه|مبني|شارع|حي)(\s|$)/;

/** A name written the way names are: quoted, in parentheses, in Latin letters inside Arabic, or an email/handle. */
const NAME_SHAPES = /["«“][^"»”]{2,60}["»”]|\([^)]{2,40}\)|[a-z][a-z0-9.+-]*[a-z0-9]|#\S+|\S+@\S+/;

/** Three or more items joined by commas or "و": "موريتانيا ومالي وبوركينا فاسو والنيجر". */
function isEnumeration(text: string): boolean {
  const commas = (text.match(/[،,]/g) ?? []).length;
  const ands = (text.match(/\sو(?=\S)/g) ?? []).length;
  return commas >= 3 || ands >= 3;
}

/** Whether normalised text holds the kind of thing the question asks for. */
export function matchesType(type: AnswerType, normalizedText: string): boolean {
  const t = normalizedText;
  switch (type) {
    case 'date':
      return (
        YEAR.test(t) ||
        MONTH.test(t) ||
        WEEKDAY.test(t) ||
        TIME_OF_DAY.test(t) ||
        DAY_OF_MONTH.test(t) ||
        HIJRI_OR_AD.test(t) ||
        RELATIVE_DATE.test(t)
      );
    case 'number':
      return NUMBER_WORDS.test(t);
    case 'reason':
      return REASON_MARKERS.test(t);
    case 'manner':
      return MANNER_MARKERS.test(t);
    case 'place':
      return PLACE_WORDS.test(t) || PLACE_NOUNS.test(t);
    case 'person':
      return NAME_SHAPES.test(t) || hasNameAfterRole(t);
    case 'name':
      return NAME_SHAPES.test(t) || hasNameAfterHead(t);
    case 'list':
      return isEnumeration(t);
    default:
      return false;
  }
}

/**
 * Arabic names carry no capital letters; in news and handbooks a person's name follows the title
 * and its qualifiers ("السفير الفرنسي في الأمم المتحدة فرنسوا ديلاتر", "مديرة الموارد البشرية
 * ليلى الحسيني"): a word without the article after them. Rough by design: it says a name may be
 * there, and that none is when the title is followed by punctuation or a verb ("رئيس
 * الجمهورية، نُظّم").
 */
function hasNameAfterRole(t: string, roles: Set<string> = ROLE_NOUNS): boolean {
  const words = t.split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!.replace(/[.،,:؛"«»()]/g, '');
    // Verbs of holding an office put the holder right after them: "تتولى هبة منصور مسؤولية…".
    if (!roles.has(withoutArticle(word)) && !OFFICE_VERBS.has(word.replace(/^و/, ''))) continue;
    for (let j = i + 1; j < Math.min(words.length, i + 7); j++) {
      const w = words[j]!;
      if (/[.،,:؛]$/.test(words[j - 1]!)) break;
      if (/^(في|لدي|ل|من|عن|الي|و)$/.test(w) || /^(ال|لل|بال|وال)\S{2,}/.test(w)) continue;
      // "مديرة الموارد البشرية وإبلاغ…": a word joined by "و" starts the next clause, not a name.
      if (/^و\S{4,}$/.test(w)) break;
      if (w.length >= 3 && !/^[يت]\S{3,}$/.test(w) && !/^(ان|انه|انها|قد|كان|الذي|التي)$/.test(w)) return true;
      break;
    }
  }
  return false;
}

/** "عملية شمال", "مؤتمر بعنوان …", "نظام سجل…": the name right after the head noun asked about. */
function hasNameAfterHead(t: string): boolean {
  return (
    /(^|\s)[وبلف]?(ال)?(عمليه|مشروع|برنامج|نظام|شركه|موسسه|منظمه|حمله|خطه|مبادره|اداه|منصه|تطبيق|قناه|مجموعه|مكتب|فريق|قسم|اداره|مركز|جهاز|مؤتمر|موتمر|قرار|اتفاقيه|معاهده|تحالف|منتدي) (\S{3,})/.test(
      t,
    ) || /(بعنوان|باسم|يسمي|تسمي|المعروف|المعروفه|اسمه|اسمها)/.test(t)
  );
}

/** A date introduced as a start ("منذ عام 2013") cannot say when something ended. */
export function datesOnlyStart(normalizedText: string): boolean {
  const ends = /(^|\s)(حتي|الي غايه|انتهت|انتهي|انتهاء|نهايه|اختتام|اختتمت|انهت|until|ended|jusqu)(\s|$)/.test(normalizedText);
  const starts = /(^|\s)(منذ|since|depuis|بدات|بدا|انطلقت|استهل|تاسست|انشيت|اطلقت)(\s|$)/.test(normalizedText);
  return starts && !ends;
}

/** A year standing alone or after "عام"/"سنة": a date, not a count. */
const YEARS = /(^|\s)((عام|سنه|العام|السنه|في) )?(1[5-9]\d\d|20\d\d)(?=\s|$|[.،,)])/g;

/**
 * The silence check: the quote holds no answer of the kind asked, for the event asked about, so
 * the knowledge is silent on it even though it talks about the subject. "متى انتهت عملية
 * سيرفال؟" against "حضورها في المنطقة منذ عام 2013 (عملية سيرفال)": a start, not an end. "كم
 * كلفت عملية برخان؟" against a sentence whose only number is a year. "من هو رئيس الجمهورية؟"
 * against "مبادرة رئيس الجمهورية، نُظّم…": the title with no name after it. Places, reasons and
 * manners are said in too many ways to be checked like this.
 */
export function slotSilent(question: string, type: AnswerType, quote: string): boolean {
  const q = normalizeForMatch(question);
  const raw = normalizeForMatch(quote);
  // Quotation marks and brackets are not word boundaries to the time and number patterns: "في
  // الأسابيع المقبلة"". Names keep them: a quoted name is a name.
  const t = raw.replace(/["«»“”()[\]]/g, ' ');
  switch (type) {
    case 'date':
      // "When" is also answered by an event or an age ("عندما…", "في عمر الثالثة عشرة"): only a
      // quote with no time in it at all is silent, or one whose dates only say when it began.
      if (ASKS_DAY.test(q)) return !(WEEKDAY.test(t) || DAY_OF_MONTH.test(t) || DAY_AND_MONTH.test(t));
      return !(matchesType('date', t) || TIME_WORDS.test(t)) || (datePhase(q) === 'end' && datesOnlyStart(t));
    case 'number':
      // "كم ساعة؟" → "في غضون ساعة": a unit without a number is one of it.
      if (!NUMBER_WORDS.test(t)) return !countedNounAlone(q, t);
      // "وكم راتبه؟" against "6 ساعات يوميا دون أي خصم من الراتب": money is counted in a currency.
      if (ASKS_MONEY.test(q) && !CURRENCY.test(t)) return true;
      // A year counts only when the question is about time ("كم دامت…", "كم عاما…").
      return !NUMBER_WORDS.test(t.replace(YEARS, ' ')) && !TIME_QUESTION.test(q);
    case 'person':
      return namesRole(q) && !hasNameAfterRole(raw) && !NAME_SHAPES.test(raw.replace(/["«“][^"»”]*["»”]/g, ' '));
    case 'name': {
      // "ما اسم المرشد؟" against "يرافق كل موظف زميلٌ مرشد يختاره قائد الفريق": the head noun is
      // there, with no name after it; "شو اسم شركة التأمين؟" against a sentence without a company.
      // A quoted, bracketed or Latin-script name anywhere will do ("ما اسم عيد الأم بالإنجليزية؟").
      const head = framedHead(q);
      if (head === null || nameAfter(raw, head)) return false;
      // Only the sentence that names the noun can name it: "Slack" in a list further on is not the mentor's name.
      const own = sentenceWith(raw, head) ?? raw;
      return !NAME_SHAPES.test(own) && !OTHER_SCRIPT.test(own);
    }
    default:
      return false;
  }
}

/** A word in another script (中国, Χριστιανισμός): a name given in its own language. */
const OTHER_SCRIPT = /[^\s\p{P}\p{N}\p{S}\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/u;

/** The noun a name question asks the name of: "ما اسم **العملية**…", "وش اسم **المرشد** تبعي". */
function framedHead(q: string): string | null {
  const m = /(^|\s)(اسم|اسماء) (\S{3,})/.exec(q);
  return m ? stemOfNoun(m[3]!) : null;
}

/** A noun without its article, proclitics or feminine and plural endings, for matching. */
function stemOfNoun(word: string): string {
  return word.replace(/^[وبلف]?(ال|لل)?/, '').replace(/(ات|ين|ون|ه|ي)$/, '');
}

/** The sentence (or list line) of a quote that holds a noun, or null when none does. */
function sentenceWith(t: string, head: string): string | null {
  return (
    t
      .split(/[.\n]+|:\s*-/)
      .find((part) => part.split(/\s+/).some((w) => w.length >= 3 && stemOfNoun(w.replace(/[.،,:؛"«»()]/g, '')) === head)) ?? null
  );
}

/**
 * Whether a name follows the head noun in the text, past its adjectives and qualifiers: a quoted
 * or Latin-script name, or a word without the article that is neither a verb, a particle nor a
 * nisba adjective ("مصدر دبلوماسي فرنسي إنه…" names nobody).
 */
function nameAfter(t: string, head: string): boolean {
  const words = t.split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!.replace(/[.،,:؛"«»()]/g, '');
    if (word.length < 3 || stemOfNoun(word) !== head) continue;
    for (let j = i + 1; j < Math.min(words.length, i + 7); j++) {
      const w = words[j]!;
      if (/^["«“(]/.test(w) || /[a-z]/.test(w)) return true;
      if (/[.،,:؛]$/.test(words[j - 1]!) && j > i + 1) break;
      if (/^(في|لدي|ل|من|عن|الي|و)$/.test(w) || /^(ال|لل|بال|وال)\S{2,}/.test(w) || /\S{3,}(ي|يه|يين|يون)$/.test(w)) continue;
      if (w.length >= 3 && !/^[يت]\S{3,}$/.test(w) && !/^(ان|انه|انها|قد|كان|الذي|التي|هو|هي|علي|مع|كل)$/.test(w)) return true;
      break;
    }
  }
  return false;
}

/** "في أي يوم…", "which day": a weekday or a day of a month answers, "in the coming weeks" does not. */
const ASKS_DAY = /(^|\s)(في )?(اي|ما|اية) (يوم|الايام|ايام)(\s|$)|which day|what day|quel jour/;
const DAY_AND_MONTH =
  /\d{1,2} ?(\/|-)? ?(يناير|فبراير|مارس|ابريل|مايو|يونيو|يوليو|اغسطس|سبتمبر|اكتوبر|نوفمبر|ديسمبر|كانون|شباط|اذار|نيسان|ايار|حزيران|تموز|اب|ايلول|تشرين|january|february|march|april|may|june|july|august|september|october|november|december|janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)/;

/** Units a "how many / how long" question counts in, which a quote may give as one ("ساعة"). */
const UNITS = 'ساعه|يوم|اسبوع|شهر|سنه|عام|دقيقه|مره|دولار|يورو|درهم|دينار|ريال|جنيه|شخص|دوله|بلد';

function countedNounAlone(q: string, t: string): boolean {
  const asked = new RegExp(`(^|\\s)(كم|الكم) (من )?(${UNITS}|الوقت)`).exec(q);
  if (!asked) return false;
  const unit = asked[4] === 'الوقت' ? UNITS : asked[4]!;
  return new RegExp(`(^|\\s)[وبل]?(${unit})(\\s|$|[.،,])`).test(t);
}

/** Words that place something in time without a date: "عندما", "خلال طفولته", "في عهد…". */
const TIME_WORDS =
  /(^|\s)(when|while|after|before|during|since|until|every|each|daily|weekly|monthly|yearly|annually|morning|evening|noon|night|today|tomorrow|yesterday|first|last|quand|lorsque|apres|avant|pendant|depuis|jusqu|chaque|matin|soir|midi|nuit|aujourd|demain|hier|premier|premiere|dernier)(\s|$|[.,'])|(^|\s)[وب]?(عندما|حين|حينما|حينها|اذا|فور|بمجرد|بعد|قبل|خلال|اثناء|منذ|عهد|فتره|مرحله|طفولته|طفولتها|عمر|عمره|عمرها|صباح|مساء|ليله|اليوم|السنه|عام|اعوام|سنوات|سنه|قرن|القرن|الميلاد|ق م|لما|اول|الاول|الاولي|الثاني|الثانيه|التالي|كل|سن)(\s|$)/;
/** "كم راتبه", "ما سعر…", "how much does it cost": an amount of money, which only a sum in a currency answers. */
const ASKS_MONEY =
  /(^|\s)[وبل]?(ال)?(راتب|رواتب|سعر|اسعار|تكلفه|كلفه|مبلغ|اجر|اجره|ميزانيه|ثمن|رسوم|مكافاه|بدل|تعويض|salary|price|cost|costs|budget|fee|fees|salaire|prix|cout|budget)\S{0,3}(\s|$)/;
const CURRENCY =
  /[$€£]|(^|\s|\d)(دولار|دولارا|دولارات|يورو|درهم|دراهم|دينار|دنانير|ريال|ريالات|جنيه|جنيهات|ليره|ليرات|فرنك|usd|eur|euros?|dollars?|dirhams?|dinars?|riyals?|pounds?)(\s|$|[.،,])/;
/** A "how many / how long" question about time, which a year or a span of years answers. */
const TIME_QUESTION =
  /(^|\s)(عام|عاما|اعوام|سنه|سنوات|سنين|شهر|شهرا|اشهر|يوم|يوما|ايام|ساعه|ساعات|قرن|عمر|مده|فتره|دام|دامت|استمر|استمرت|استغرق|استغرقت|year|years|long)(\s|$)/;

/** Whether the question names a title or role ("من هو سفير…", "ما اسم مديرة…"). */
function namesRole(q: string): boolean {
  return q.split(/\s+/).some((w) => ROLE_NOUNS.has(withoutArticle(w)));
}

/**
 * "من هو المدعي العام…" against "وأكد مدعي الجمهورية الفرنسية في باريس ريمي هيتس": a name after
 * the very title the question names, not after another title the quote also holds.
 */
export function namesAskedRole(question: string, quote: string): boolean {
  const roles = new Set(
    normalizeForMatch(question)
      .split(/\s+/)
      .map(withoutArticle)
      .filter((w) => ROLE_NOUNS.has(w)),
  );
  if (roles.size === 0) return false;
  const text = normalizeForMatch(quote);
  if (hasNameAfterRole(text, roles)) return true;
  // "تتولى هبة منصور مسؤولية الحسابات": the holder after an office verb, and the title's word in the clause.
  const titled = text.split(/\s+/).some((w) => [...roles].some((role) => withoutArticle(w).startsWith(role)));
  return titled && hasNameAfterRole(text, new Set());
}

/** Verbs of holding an office or a task, in the third person: the holder's name follows them. */
const OFFICE_VERBS = new Set('يتولي تتولي يراس تراس يقود تقود يشغل تشغل يدير تدير ينسق تنسق يشرف تشرف يمثل تمثل'.split(' '));

/**
 * Whether a window fits the slot closely, beyond holding something of its kind: for "how many
 * X", a number next to X ("سبعين دولة"); for a person with a title, a name after the title; for
 * "what is the name of the operation", a name after the head noun. `asked` holds the
 * question's terms (stemmed), `words` the window's words with their stems.
 */
export function slotFit(type: AnswerType, normalizedText: string, asked: Set<string>, stemOf: (word: string) => string): boolean {
  switch (type) {
    case 'number': {
      const words = normalizedText.split(/\s+/);
      return words.some(
        (w, i) => NUMBER_WORDS.test(w) && [words[i + 1], words[i + 2]].some((next) => next !== undefined && asked.has(stemOf(next))),
      );
    }
    case 'person':
      return hasNameAfterRole(normalizedText);
    case 'name':
      return hasNameAfterHead(normalizedText);
    default:
      return false;
  }
}
