import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { SqliteStateStore } from '../../src/state/index.js';
import { AMBASSADOR_Q, ambassadorAssistant } from './helpers/fake-assistant.js';
import { BOT } from './helpers/fake-slack.js';
import { SlackTestBed } from './helpers/testbed.js';

let bed: SlackTestBed | undefined;
let store: SqliteStateStore | undefined;
afterEach(async () => {
  await bed?.close();
  await store?.close();
  bed = store = undefined;
});

it('remembers answered event ids across a restart (SQLite state store): a late re-delivery is not answered again', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sanad-slack-state-'));
  const event = { type: 'app_mention', user: 'U1', text: `<@${BOT.userId}> ${AMBASSADOR_Q}`, ts: '1700000000.000500', channel: 'C1' };

  const before = ambassadorAssistant();
  store = SqliteStateStore.open(dataDir);
  bed = await SlackTestBed.start({ assistant: before, store });
  await bed.deliverEvent(event, { eventId: 'EvRestart' });
  await bed.finalGroups(1);
  await bed.close();
  await store.close();

  const after = ambassadorAssistant();
  store = SqliteStateStore.open(dataDir);
  bed = await SlackTestBed.start({ assistant: after, store });
  expect(await bed.deliverEvent(event, { eventId: 'EvRestart', retryNum: 3 })).toBe(200);
  await bed.deliverEvent({ ...event, ts: '1700000000.000600' }, { eventId: 'EvFresh' });
  await bed.finalGroups(1);
  // The restarted process read the claim from the store and said it ignored the retry.
  expect(await bed.fake.waitFor(() => bed!.ignoredRedeliveries('EvRestart') === 1)).toBe(true);
  expect(before.calls).toHaveLength(1);
  expect(after.calls).toHaveLength(1); // only EvFresh
  expect(bed.groups()).toHaveLength(1);
});
