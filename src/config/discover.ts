import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SanadError } from '../core/errors.js';
import { type Env, value } from './values.js';

/** Looked for in the working directory, in this order, when no file is named. */
export const CONFIG_FILE_NAMES = ['sanad.config.yaml', 'sanad.config.yml', 'sanad.config.json'] as const;

/**
 * The config file, found once: `path` (given explicitly), else `SANAD_CONFIG`, else the first of
 * `CONFIG_FILE_NAMES` in `cwd`; null when there is none (the defaults apply). A named file that
 * does not exist is an error naming where it was named.
 */
export function findConfigFile(path: string | undefined, env: Env, cwd: string): string | null {
  const named = path ?? value(env, 'SANAD_CONFIG');
  if (!named) return CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)).find((candidate) => existsSync(candidate)) ?? null;
  const file = resolve(cwd, named);
  if (!existsSync(file)) {
    const from = path ? 'was given' : 'is set in SANAD_CONFIG';
    throw new SanadError('config_missing', `The config file ${file} ${from} but does not exist.`, {
      hint: 'Create it (see sanad.config.example.yaml), or unset SANAD_CONFIG to run with the defaults.',
    });
  }
  return file;
}
