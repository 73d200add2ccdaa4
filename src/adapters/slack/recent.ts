import type { Answer } from '../../core/index.js';

/**
 * Recent answers by id, so the share and feedback buttons can use the exact answer shown. Bounded
 * and in memory: after a restart the buttons fall back to what their value carries.
 */
export class RecentAnswers {
  private readonly entries = new Map<string, Answer>();
  constructor(private readonly max = 500) {}

  add(answer: Answer): string {
    const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    this.entries.set(id, answer);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return id;
  }

  get(id: string): Answer | null {
    return this.entries.get(id) ?? null;
  }
}
