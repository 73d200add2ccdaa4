/**
 * The consonant skeleton of an Arabic word once its affixes are read off: what a verb, its
 * verbal noun and its participle share ("توسعت" / "توسيع" → وسع, "لتشمل" / "ليشمل" → شمل,
 * "يتبنى" / "تبني" → تبن). Light stemming keeps them apart, which is right for ranking (a
 * verb and a noun are not the same word) but leaves a chat question's verb unmatched by the
 * text's noun. Used only as a weaker match beside the stems, and only at three consonants or
 * more: shorter skeletons (hollow roots: "مدير" / "إدارة") collide with too much.
 */
const ARABIC = /^[\u0621-\u064A]+$/;
const SUFFIXES = ['وا', 'ون', 'ين', 'ات', 'ان', 'يه', 'ها', 'هم', 'ت', 'ه', 'ي', 'ا'];
const MIN_SKELETON = 3;
const cache = new Map<string, string | null>();
const CACHE_LIMIT = 50_000;
/** Form X, its verbs, noun and participle: "استهداف" / "يستهدف" / "مستخدم" → هدف, خدم. */
const FORM_X = /^[ايتنم]ست/;
/**
 * Form VIII, its "ت" infixed after the first root letter: "اكتشف" / "يكتشف" → كشف, "اجتمع" →
 * جمع ("ترتيب", a تفعيل noun of رتب, keeps its "ت").
 */
const FORM_VIII = /^[اينت][^اويس]ت/;

/**
 * A verb and its verbal noun in one of the derived forms whose pattern cannot be mistaken
 * ("يستهدف" / "استهداف", "يكتشف" / "اكتشاف"): the same word for a question, even where the
 * knowledge uses both.
 */
export function sameDerivedForm(a: string, b: string): boolean {
  const root = derivedRoot(a);
  return root !== null && root === derivedRoot(b);
}

/** Asked for every pair of words coverage compares: each word's answer is kept, as rootSkeleton's is. */
const derivedCache = new Map<string, string | null>();

/** The derived form a word is in and its root ("x:هدف" for "يستهدف"), or null when it is in neither. */
function derivedRoot(word: string): string | null {
  let found = derivedCache.get(word);
  if (found !== undefined) return found;
  found = null;
  if (word.length >= 5 && !/^ت..ي.$/.test(word)) {
    const bare = withoutSuffix(word);
    const skeleton = FORM_X.test(word) ? skeletonOf(bare.slice(3)) : FORM_VIII.test(word) ? skeletonOf(bare[1] + bare.slice(3)) : null;
    if (skeleton !== null) found = `${FORM_X.test(word) ? 'x' : 'viii'}:${skeleton}`;
  }
  if (derivedCache.size >= CACHE_LIMIT) derivedCache.clear();
  derivedCache.set(word, found);
  return found;
}

function withoutSuffix(word: string): string {
  for (const suffix of SUFFIXES) if (word.length - suffix.length >= 5 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  return word;
}

/** Long vowels inside the word are the pattern, not the root; too short a skeleton says nothing. */
function skeletonOf(bare: string): string | null {
  const skeleton = bare[0] + bare.slice(1).replace(/[اوي]/g, '');
  return skeleton.length >= MIN_SKELETON ? skeleton : null;
}

export function rootSkeleton(stemmed: string): string | null {
  const cached = cache.get(stemmed);
  if (cached !== undefined) return cached;
  const skeleton = compute(stemmed);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(stemmed, skeleton);
  return skeleton;
}

function compute(word: string): string | null {
  if (!ARABIC.test(word) || word.length < 3) return null;
  let w = word;
  // A proclitic preposition or conjunction on a verb form: "لتشمل", "وتعمل".
  if (w.length >= 5 && /^[وفلبك][يتنا]/.test(w)) w = w.slice(1);
  for (const suffix of SUFFIXES) {
    if (w.length - suffix.length >= 3 && w.endsWith(suffix)) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  if (w.length >= 6 && w.startsWith('است')) w = w.slice(3);
  else if (w.length >= 4 && /^[يتنام]/.test(w)) w = w.slice(1);
  return skeletonOf(w);
}
