/**
 * A synthetic Arabic knowledge folder for the indexing benchmark: paragraphs of two to four
 * sentences drawn (seeded, so every run indexes the same text) from ARCD's paragraphs, one
 * paragraph a line, a title first, in files of `perFile` paragraphs.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rng } from '../test/fixtures/random.js';

export interface ArcdFile {
  documents: { id: string; title: string; paragraphs: string[] }[];
  questions: { id: string; question: string; answers: string[]; doc: string; paragraph: number }[];
}

export function readArcd(file: string): ArcdFile {
  return JSON.parse(readFileSync(file, 'utf8')) as ArcdFile;
}

/** Sentences of ARCD (split after . ؟ ! followed by a space), at least 40 characters long. */
export function arcdSentences(arcd: ArcdFile): string[] {
  const out: string[] = [];
  for (const doc of arcd.documents) {
    for (const p of doc.paragraphs) {
      for (const s of p.split(/(?<=[.؟!])\s+/u)) {
        const t = s.trim();
        if (t.length >= 40) out.push(/[.؟!]$/u.test(t) ? t : `${t}.`);
      }
    }
  }
  return out;
}

export function writeSyntheticFolder(dir: string, arcd: ArcdFile, paragraphs: number, perFile = 200): { files: number; bytes: number } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sentences = arcdSentences(arcd);
  const next = rng(2019);
  let written = 0;
  let files = 0;
  let bytes = 0;
  while (written < paragraphs) {
    const count = Math.min(perFile, paragraphs - written);
    const lines = [`وثيقة تجريبية رقم ${files + 1}`];
    for (let i = 0; i < count; i++) {
      const n = 2 + Math.floor(next() * 3);
      const parts: string[] = [];
      for (let j = 0; j < n; j++) parts.push(sentences[Math.floor(next() * sentences.length)]!);
      lines.push(parts.join(' '));
    }
    const text = lines.join('\n') + '\n';
    writeFileSync(path.join(dir, `synthetic-${String(files + 1).padStart(4, '0')}.txt`), text);
    bytes += Buffer.byteLength(text);
    written += count;
    files++;
  }
  return { files, bytes };
}
