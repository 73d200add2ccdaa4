import type { BriefingClaim, BriefingLogEntry, BriefingOutcome, BriefingStore, ClaimRequest, QuestionStats } from './types.js';

/** The briefing log's part of the store port: each engine writes it once (postgres-briefings.ts, sqlite-briefings.ts). */
export type BriefingLog = Pick<
  BriefingStore,
  'questionStats' | 'claimBriefing' | 'completeBriefing' | 'releaseBriefing' | 'briefing' | 'lastBriefing' | 'briefingHistory'
>;

/** A store whose briefing calls go to its engine's briefing log, the delegation written once for both engines. */
export abstract class BriefingLogStore implements BriefingLog {
  protected abstract readonly briefings: BriefingLog;

  questionStats(platform: string, channel: string, from: Date, to: Date): Promise<QuestionStats> {
    return this.briefings.questionStats(platform, channel, from, to);
  }

  claimBriefing(request: ClaimRequest): Promise<BriefingClaim> {
    return this.briefings.claimBriefing(request);
  }

  completeBriefing(key: string, owner: string, outcome: BriefingOutcome): Promise<boolean> {
    return this.briefings.completeBriefing(key, owner, outcome);
  }

  releaseBriefing(key: string, owner: string): Promise<void> {
    return this.briefings.releaseBriefing(key, owner);
  }

  briefing(key: string): Promise<BriefingLogEntry | null> {
    return this.briefings.briefing(key);
  }

  lastBriefing(platform: string, channel: string, before?: Date): Promise<BriefingLogEntry | null> {
    return this.briefings.lastBriefing(platform, channel, before);
  }

  briefingHistory(platform: string, channel: string, limit: number): Promise<BriefingLogEntry[]> {
    return this.briefings.briefingHistory(platform, channel, limit);
  }
}
