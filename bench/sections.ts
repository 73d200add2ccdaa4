/** Sections 2-5 (filled in as the core and adapters land). */
export interface SectionResult {
  text: string;
  data: unknown;
}

export interface SectionOptions {
  quick: boolean;
  log: (line: string) => void;
}

const pending = (n: number, name: string, why: string): SectionResult => ({
  text: `\n${n}. ${name}: not yet available (${why})`,
  data: { available: false, reason: why },
});

export async function runAnswering(_options: SectionOptions): Promise<SectionResult> {
  return pending(2, 'Answering, offline', 'the core does not export createAssistant yet');
}
export async function runIndexing(_options: SectionOptions): Promise<SectionResult> {
  return pending(3, 'Indexing', 'the core does not export createAssistant yet');
}
export async function runStartup(_options: SectionOptions): Promise<SectionResult> {
  return pending(4, 'Start-up', 'bin/sanad.js does not exist yet');
}
export async function runAdapters(_options: SectionOptions): Promise<SectionResult> {
  return pending(5, 'Adapters', 'the Slack and Discord adapters are not in the tree yet');
}
