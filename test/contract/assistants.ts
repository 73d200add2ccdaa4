import { createAssistant } from '../../src/core/index.js';
import type { Assistant } from '../../src/core/types.js';

/** Building an index takes a moment: one assistant per knowledge folder for a whole test file. */
const assistants = new Map<string, Promise<Assistant>>();

export function assistantFor(knowledgeDir: string): Promise<Assistant> {
  let assistant = assistants.get(knowledgeDir);
  if (!assistant) {
    assistant = createAssistant({ knowledgeDir, cacheDir: null });
    assistants.set(knowledgeDir, assistant);
  }
  return assistant;
}
