import { loadConfigFile, type SourceConfig } from '../config/file.js';
import { SanadError } from '../core/errors.js';
import { openSources, type SourceRun, type SourceStatus } from '../sources/index.js';
import type { AppConfig } from '../config/env.js';
import type { Logger } from '../core/ports.js';

/** What the command needs of the CLI's context (declared here, so it imports nothing back from main). */
interface SourcesContext {
  io: { stdout: NodeJS.WritableStream };
  config: AppConfig;
  logger: Logger;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * `sanad sources`: each followed source with its last fetch, status, articles and next run.
 * `sanad sources fetch [URL]`: fetches now (every source, or the one given), item by item. The
 * running bot picks up what was fetched at its next check (within a minute); a bot started later
 * indexes it at start.
 */
export async function runSources(context: SourcesContext): Promise<number> {
  const [action, address, extra] = context.positionals;
  if (action !== undefined && action !== 'fetch') {
    throw new SanadError('usage', `unknown sources action "${action}".`, {
      hint: 'sanad sources lists them; sanad sources fetch [URL] fetches now.',
    });
  }
  if (extra !== undefined)
    throw new SanadError('usage', 'sources fetch takes at most one address.', { hint: 'sanad sources fetch https://example.com/feed.xml' });
  const settings = loadConfigFile(context.config.configFile ?? undefined, { knowledgeDir: context.config.knowledgeDir });
  if (settings.sources.length === 0) {
    throw new SanadError(
      'no_sources',
      `No sources are configured${settings.path ? ` in ${settings.path}` : ' (no config file was found)'}.`,
      {
        hint: 'Add a sources: list to sanad.config.yaml, e.g. sources: [{ url: "https://example.com/feed.xml", every: "1h" }] (docs/channels.md#followed-sources).',
      },
    );
  }
  const opened = openSources(settings.sources, context.config.dataDir, context.logger);
  try {
    if (action === 'fetch') return await fetchNow(context, settings.sources, opened.service, address);
    const status = opened.service.status();
    if (context.values.json) context.io.stdout.write(JSON.stringify(status.map(statusJson), null, 2) + '\n');
    else
      context.io.stdout.write(
        status
          .map((s) =>
            describe(
              s,
              settings.sources.find((c) => c.url === s.url)!,
            ),
          )
          .join('\n\n') + '\n',
      );
    return 0;
  } finally {
    await opened.close();
  }
}

async function fetchNow(
  context: SourcesContext,
  sources: SourceConfig[],
  service: ReturnType<typeof openSources>['service'],
  address?: string,
): Promise<number> {
  const out = context.io.stdout;
  if (address && !sources.some((s) => s.url === address || s.url === hrefOf(address))) {
    throw new SanadError('usage', `${address} is not a configured source.`, {
      hint: `Configured: ${sources.map((s) => s.url).join(', ')}.`,
    });
  }
  const runs = await service.fetchNow(address, (source, done, total, item) => {
    // Item by item, so a long first fetch shows how far it is.
    if (total > 0) out.write(`  [${done}/${total}] ${item.outcome.padEnd(9)} ${item.url ?? '(no link)'}  ← ${source.url}\n`);
    else out.write(`  [retry] ${item.outcome.padEnd(9)} ${item.url ?? '(no link)'}  ← ${source.url}\n`);
  });
  for (const run of runs) out.write(summary(run) + '\n');
  return runs.some((r) => r.status === 'failed') ? 1 : 0;
}

function summary(run: SourceRun): string {
  if (run.status === 'failed') return `${run.source}: failed: ${run.error?.message ?? 'error'}`;
  if (run.status === 'not-modified')
    return `${run.source}: not modified since the last fetch (304)${run.added.length ? `; ${run.added.length} earlier failure(s) now read` : ''}`;
  const parts = [
    `${run.added.length} new`,
    `${run.changed.length} changed`,
    `${run.unchanged} unchanged`,
    `${run.duplicates} duplicate`,
    `${run.failed.length} not read`,
  ];
  const failures = run.failed.map((f) => `\n  not read: ${f.url ?? '(no link)'}: ${f.reason}`).join('');
  return `${run.source}: ${parts.join(', ')}${failures}`;
}

function describe(s: SourceStatus, config: SourceConfig): string {
  const when = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'never');
  const lines = [
    `${s.name} (${s.kind}) ${s.url}`,
    `  collection ${s.collection} · every ${duration(config.everyMs)} · keep ${duration(config.keepMs)}`,
    `  last fetch: ${when(s.state.lastFetch)} (${s.state.status}) · articles: ${s.items}${s.failedItems ? ` · not read: ${s.failedItems}` : ''} · next run: ${s.nextRun.getTime() === 0 ? 'at start' : when(s.nextRun.toISOString())}`,
  ];
  if (s.state.error) lines.push(`  last error: ${s.state.error} (failures in a row: ${s.state.failures})`);
  return lines.join('\n');
}

function statusJson(s: SourceStatus) {
  return {
    url: s.url,
    kind: s.kind,
    name: s.name,
    collection: s.collection,
    status: s.state.status,
    lastFetch: s.state.lastFetch,
    lastSuccess: s.state.lastSuccess,
    error: s.state.error,
    failures: s.state.failures,
    articles: s.items,
    notRead: s.failedItems,
    nextRun: s.nextRun.getTime() === 0 ? null : s.nextRun.toISOString(),
  };
}

function duration(ms: number): string {
  for (const [unit, size] of [
    ['w', 604_800_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}

function hrefOf(address: string): string {
  try {
    return new URL(address).href;
  } catch {
    return address;
  }
}
