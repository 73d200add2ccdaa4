import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SanadError } from '../core/errors.js';
import { fetchUrl } from '../fetch/index.js';
import { readHtmlPage } from '../readers/html.js';
import { toMarkdown } from '../readers/markdown.js';
import { makeDirectory } from '../state/directory.js';
import type { CliContext } from './context.js';

const HTML_TYPES = /^(text\/html|application\/xhtml\+xml)\b/i;
const MAX_SLUG_CHARS = 80;
/** A collection name is one folder inside the knowledge folder. */
const COLLECTION = /^[\p{L}\p{N}_-][\p{L}\p{N} _.-]*$/u;

/**
 * `sanad add URL`: fetches a web page, reads its article (title, author, date, body without
 * its furniture) and saves it in the knowledge folder as Markdown with front matter naming its
 * source. Adding the same address again updates that file. The running bot picks it up.
 */
export async function runAdd(context: CliContext): Promise<number> {
  const [address] = context.positionals;
  if (!address)
    throw new SanadError('usage', 'add needs the address of a web page.', { hint: 'sanad add https://example.com/news/article' });
  const collection = typeof context.values.collection === 'string' ? context.values.collection : null;
  if (collection !== null && (!COLLECTION.test(collection) || collection.startsWith('.'))) {
    throw new SanadError('usage', `"${collection}" is not a collection name.`, {
      hint: 'Use a simple folder name such as news or policies.',
    });
  }
  const allowPrivate = context.config.fetch.allowPrivate || context.values['allow-private'] === true;
  const page = await fetchUrl(address, { allowPrivate });
  if (!HTML_TYPES.test(page.contentType)) {
    throw new SanadError('not_html', `${page.url} is ${page.contentType.split(';')[0] || 'of no declared type'}, not a web page.`, {
      hint: 'sanad add reads HTML pages; save a PDF, Word or EPUB file into the knowledge folder instead.',
    });
  }
  const structure = readHtmlPage(page.bytes, { name: page.url, url: page.url, contentType: page.contentType });
  if (structure.blocks.length === 0) {
    throw new SanadError('no_article', `${page.url} has no article text sanad could find.`, {
      hint: 'Check that the address opens an article, not a list of links or a login page.',
    });
  }
  const folder = collection ? join(context.config.knowledgeDir, collection) : context.config.knowledgeDir;
  makeDirectory(folder);
  const existing = await fileWithSource(folder, page.url);
  const name = existing ?? (await freeName(folder, slugOf(page.url)));
  const path = join(folder, name);
  // Written whole then renamed: the watcher never reads half a file.
  const temporary = join(folder, `.${name}.${process.pid}.tmp`);
  await writeFile(temporary, toMarkdown(structure, { fetched: new Date().toISOString().slice(0, 10) }));
  await rename(temporary, path);
  const paragraphs = structure.blocks.filter((b) => b.kind !== 'heading').length;
  const by = [structure.author ? `by ${structure.author}` : null, structure.date].filter(Boolean).join(', ');
  context.io.stdout.write(
    `${existing ? 'updated' : 'saved'} ${path}: "${structure.title ?? name}"${by ? ` (${by})` : ''}, ${paragraphs} blocks, from ${page.url}\n`,
  );
  return 0;
}

/** The Markdown file of this folder already saved from `url`, if any. */
async function fileWithSource(folder: string, url: string): Promise<string | null> {
  for (const name of (await readdir(folder)).filter((n) => n.endsWith('.md')).sort()) {
    const head = (await readFile(join(folder, name), 'utf8')).slice(0, 2000);
    const source = /^source:\s*['"]?(\S+?)['"]?\s*$/m.exec(head)?.[1];
    if (head.startsWith('---') && source === url) return name;
  }
  return null;
}

/** A file name from the address: host and path, letters and digits of any script, dashes. */
export function slugOf(url: string): string {
  const u = new URL(url);
  let path = u.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // a malformed escape: the raw path serves as well
  }
  const slug = `${u.hostname}-${path}`
    .toLowerCase()
    .replace(/\.(html?|php|aspx?)$/, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_CHARS)
    .replace(/-+$/, '');
  return slug || 'page';
}

async function freeName(folder: string, slug: string): Promise<string> {
  const taken = new Set(await readdir(folder));
  for (let i = 1; ; i++) {
    const name = i === 1 ? `${slug}.md` : `${slug}-${i}.md`;
    if (!taken.has(name)) return name;
  }
}
