/** The shape every section after the first returns, and the sections themselves. */
export interface SectionResult {
  text: string;
  data: unknown;
}

export interface SectionOptions {
  quick: boolean;
  log: (line: string) => void;
}

export { runAnswering } from './answering.js';
export { runIndexing } from './indexing.js';
export { runStartup } from './startup.js';
export { runAdapters } from './adapters.js';
export { runReplicas } from './replicas.js';
export { runSources } from './sources.js';
export { runScale } from './scale.js';
