import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SanadError } from '../../core/index.js';

/** The page's files. A fixed list: no path from a request ever reaches the file system. */
const FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/briefing.js': { file: 'briefing.js', type: 'text/javascript; charset=utf-8' },
  '/citations.js': { file: 'citations.js', type: 'text/javascript; charset=utf-8' },
  '/composer.js': { file: 'composer.js', type: 'text/javascript; charset=utf-8' },
  '/dom.js': { file: 'dom.js', type: 'text/javascript; charset=utf-8' },
  '/saved.js': { file: 'saved.js', type: 'text/javascript; charset=utf-8' },
  '/strings.js': { file: 'strings.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
} as const;

export interface StaticAsset {
  body: Buffer;
  type: string;
}

/**
 * Where the page's files are: next to this module when run from `src/` (tsx, vitest), or back in
 * `src/` when run from the compiled `dist/`, which `tsc` does not copy them into.
 */
export function findPublicDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'public'), resolve(here, '../../../src/adapters/web/public')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) {
    throw new SanadError('web_assets_missing', `The web chat's page files are missing (looked in ${candidates.join(', ')}).`, {
      hint: 'Run sanad from a full checkout, which has src/adapters/web/public/.',
    });
  }
  return found;
}

/** Reads every file once at start: the page is small, and a missing file fails fast. */
export function loadAssets(dir = findPublicDir()): Map<string, StaticAsset> {
  const assets = new Map<string, StaticAsset>();
  for (const [path, { file, type }] of Object.entries(FILES)) {
    assets.set(path, { body: readFileSync(join(dir, file)), type });
  }
  return assets;
}
