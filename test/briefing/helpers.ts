import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from '../../src/core/knowledge/parse.js';
import type { KnowledgeDocument } from '../../src/core/knowledge/types.js';
import { ARTICLE, ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';

export function article(): KnowledgeDocument {
  return parseDocument({ document: ARTICLE, collection: 'main', text: readFileSync(join(ARTICLE_KNOWLEDGE, ARTICLE), 'utf8') });
}

/** A second document, as a team would add it to a `security` collection while the bot runs. */
export const ADDED_NOTE = `---
title: Incident response runbook
date: 2026-03-27
---
# Detection

Every alert from the intrusion detection system is triaged by the on-call engineer within fifteen minutes of being raised.

Alerts that touch customer data are escalated to the security lead and to the data protection officer immediately.

# Containment

The on-call engineer isolates the affected hosts from the network before any forensic copy is taken, and records every step in the incident channel.

Credentials that may have been exposed are rotated the same day, starting with deployment keys and database passwords.

# Review

A blameless review is written within five working days, listing the timeline, the root cause and the follow-up actions with their owners.
`;

export function addedNote(): KnowledgeDocument {
  return parseDocument({ document: 'security/incident-response.md', collection: 'security', text: ADDED_NOTE });
}
