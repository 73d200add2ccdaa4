/**
 * What the current code makes of a few probe paragraphs, so a snapshot written by code that
 * indexes differently is not trusted (snapshot.ts).
 */
import { createHash } from 'node:crypto';
import type { Paragraph } from '../knowledge/types.js';
import { terms } from '../text/index.js';
import { CHUNK_CHARS, paragraphTerms, queryTerms } from './analysis.js';

const PROBES: Paragraph[] = [
  {
    id: 'p1',
    document: 'a.txt',
    collection: 'main',
    title: 'جهود فرنسا في مكافحة الإرهاب',
    n: 1,
    section: 'الأهداف',
    lang: 'ar',
    text: 'وقال السفير الفرنسي في الأمم المتحدة إن بلاده ستقدم مشروع قرار لمكافحة تمويل الإرهاب، وأعلنت عن عملية برخان في دول الساحل ٢٠١٩. وتحدث معهم عبر الفيديو عالـGitLab بـ700 دولار.',
  },
  {
    id: 'p2',
    document: 'b.md',
    collection: 'docs',
    title: 'Release notes',
    n: 2,
    section: null,
    lang: 'en',
    text: 'The security team meets every Thursday at nine in room 4B; incidents are reviewed and closed.',
  },
  {
    id: 'p3',
    document: 'c.md',
    collection: 'docs',
    title: 'Réunions',
    n: 3,
    section: 'Équipe',
    lang: 'fr',
    text: "L'équipe se réunit chaque jeudi à neuf heures pour examiner les incidents.",
  },
];

/**
 * A hash of what the current code makes of a few paragraphs and questions (terms, stems,
 * n-grams, field boosts, chunk size, BM25 parameters): code that indexes differently does not
 * trust a snapshot written by other code, even if nobody bumped INDEX_FORMAT.
 */
export function analyzerFingerprint(format: number): string {
  const hash = createHash('sha1').update(`${format}|${CHUNK_CHARS}`);
  PROBES.forEach((p, i) => {
    const learnt: string[] = [];
    const visit = (token: string, stemmed: string) => learnt.push(`${token}>${stemmed}`);
    hash.update(paragraphTerms(p, PROBES[i - 1], visit, false).join(' '));
    hash.update(paragraphTerms(p, PROBES[i - 1], visit).join(' '));
    hash.update(terms(p.title, p.lang, visit).join(' '));
    hash.update(learnt.join(' '));
    hash.update(JSON.stringify([...queryTerms(p.text, p.lang)]));
  });
  return hash.digest('hex');
}
