/**
 * Issue 14, item 6: with the state store down, feedback used to be thanked for and dropped.
 * Now the person is told it was not saved: 503 on the web (as docs/web.md promised), and a
 * private "could not be saved" instead of "thanks" on Slack.
 */
import { afterEach, expect, it } from 'vitest';
import { message } from '../../src/core/messages.js';
import { silentLogger } from '../../src/core/ports.js';
import { ResilientStore } from '../../src/state/index.js';
import { AMBASSADOR_Q, ambassadorAssistant } from '../slack/helpers/fake-assistant.js';
import { SlackTestBed, buttons } from '../slack/helpers/testbed.js';
import { startWeb, type Running } from '../web/helpers.js';

let web: Running | undefined;
let bed: SlackTestBed | undefined;
afterEach(async () => {
  await web?.stop();
  await bed?.close();
  web = bed = undefined;
});

/** The store the app runs with when SQLite cannot be opened (read-only mount, corrupt file). */
const downStore = () => new ResilientStore(null, silentLogger);

it('web: POST /api/feedback answers 503 when the store cannot save it', async () => {
  web = await startWeb({ store: downStore() as never });
  const res = await fetch(new URL('/api/feedback', web.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question: 'q', answer: 'a', citations: [], vote: 'up' }),
  });
  expect(res.status).toBe(503);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('store_unavailable');
  expect(body.error.message).toMatch(/could not be saved/);
});

it('Slack: a vote the store cannot save is answered "could not be saved", not "thanks"', async () => {
  bed = await SlackTestBed.start({ assistant: ambassadorAssistant(), store: downStore() });
  await bed.mention(AMBASSADOR_Q, { channel: 'C7', user: 'U9' });
  const [group] = await bed.finalGroups(1);
  const down = buttons(group!).find((x) => x.action_id === 'sanad_vote_down')!;
  const { responseName } = await bed.click(down, { message: group!.messages.at(-1), user: 'U9' });
  await bed.fake.waitFor(() => bed!.fake.responses.some((r) => r.path.endsWith(responseName)));
  const said = bed.fake.responses.find((r) => r.path.endsWith(responseName))!.body;
  expect(said).toMatchObject({ response_type: 'ephemeral', text: message('feedbackNotSaved', 'ar') });
});
