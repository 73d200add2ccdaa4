/**
 * A fake Discord on 127.0.0.1 for driving the real discord.js client: the REST API the bot uses
 * (gateway info, messages, threads, typing, interaction callbacks, webhook edits, command
 * registration) and a JSON, uncompressed WebSocket gateway (HELLO, IDENTIFY/READY,
 * GUILD_CREATE, heartbeats, dispatches, RECONNECT and RESUME with replay).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';

const DISCORD_EPOCH = 1420070400000n;
const EVERYONE_PERMISSIONS = '2248473465835073';

export interface FakeUser {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: null;
  bot?: boolean;
}

export interface FakeChannel {
  id: string;
  type: number;
  name?: string;
  guild_id?: string;
  parent_id?: string | null;
  recipients?: FakeUser[];
  [key: string]: unknown;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: FakeUser;
  content: string;
  embeds: Record<string, unknown>[];
  components: Record<string, unknown>[];
  mentions: FakeUser[];
  mention_roles: string[];
  mention_everyone: boolean;
  attachments: [];
  pinned: false;
  tts: false;
  type: number;
  flags: number;
  timestamp: string;
  edited_timestamp: string | null;
  message_reference?: { message_id: string; channel_id: string; guild_id?: string; type?: number };
  /** Fake-only: every allowed_mentions the bot sent for this message (create and edits). */
  sentAllowedMentions?: (Record<string, unknown> | undefined)[];
  /** Fake-only: the interaction this message answers, for /ask replies and button replies. */
  interaction_token?: string;
  /** Fake-only: how many times the bot edited it. */
  edits?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  at: number;
}

interface SessionEvent {
  s: number;
  t: string;
  d: unknown;
}

interface Session {
  id: string;
  seq: number;
  events: SessionEvent[];
  socket: WebSocket | null;
}

export interface FakeDiscordOptions {
  heartbeatIntervalMs?: number;
}

export class FakeDiscord {
  readonly applicationId: string;
  readonly guildId: string;
  readonly bot: FakeUser;
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage>();
  readonly requests: RecordedRequest[] = [];
  readonly typing: { channel: string; at: number }[] = [];
  readonly interactionCallbacks: { id: string; token: string; type: number; data: Record<string, unknown> | undefined }[] = [];
  readonly registeredCommands: { path: string; body: unknown }[] = [];
  /** Every gateway connection: the URL it opened and what it sent first. */
  readonly connections: { url: string; opcodes: number[] }[] = [];
  heartbeats = 0;
  /** Close IDENTIFY with 4014, as Discord does when Message Content is not enabled for the app. */
  refuseIntents = false;
  /** The last time the bot wrote anything (a message, an edit). */
  lastBotWrite = 0;
  private session: Session | null = null;
  /**
   * true: a new IDENTIFY keeps the earlier sessions, and every event reaches each of them, as
   * when several bot processes (replicas) run with one token and no sharding.
   */
  multiSession = false;
  private readonly replicaSessions: Session[] = [];
  private holdResume: Promise<void> | null = null;
  private replayAlreadySeen = 0;
  private failures: { method: string; path: RegExp; status: number }[] = [];
  private counter = 0n;
  private readonly users = new Map<string, FakeUser>();

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    private readonly options: Required<FakeDiscordOptions>,
  ) {
    this.applicationId = this.snowflake();
    this.guildId = this.snowflake();
    this.bot = { id: this.applicationId, username: 'sanad', discriminator: '0', global_name: 'sanad', avatar: null, bot: true };
    this.botRoleId = this.snowflake();
  }

  /** The role Discord manages for the bot (what people pick when they choose "@sanad" the role). */
  readonly botRoleId: string;

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const server = createServer();
    const wss = new WebSocketServer({ server });
    const fake = new FakeDiscord(server, wss, { heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000 });
    server.on('request', (req, res) => void fake.onRequest(req, res));
    wss.on('connection', (socket, req) => fake.onConnection(socket, req));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  /** What DISCORD_API_URL is set to (discord.js appends /v10). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }
  get resumeUrl(): string {
    return `ws://127.0.0.1:${this.port}/resume`;
  }

  snowflake(): string {
    this.counter += 1n;
    return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (this.counter & 0x3fffffn)).toString();
  }

  user(name: string, bot = false): FakeUser {
    const existing = this.users.get(name);
    if (existing) return existing;
    const user: FakeUser = {
      id: this.snowflake(),
      username: name,
      discriminator: '0',
      global_name: name,
      avatar: null,
      ...(bot ? { bot: true } : {}),
    };
    this.users.set(name, user);
    return user;
  }

  /** A guild text channel, created (and announced when connected) on first use. */
  textChannel(name: string): FakeChannel {
    for (const channel of this.channels.values()) if (channel.name === name && channel.type === 0) return channel;
    const channel: FakeChannel = {
      id: this.snowflake(),
      type: 0,
      name,
      guild_id: this.guildId,
      parent_id: null,
      position: this.channels.size,
      permission_overwrites: [],
      nsfw: false,
      last_message_id: null,
    };
    this.channels.set(channel.id, channel);
    if (this.session) this.dispatch('CHANNEL_CREATE', channel);
    return channel;
  }

  dmChannel(user: FakeUser): FakeChannel {
    for (const channel of this.channels.values()) if (channel.type === 1 && channel.recipients?.[0]?.id === user.id) return channel;
    const channel: FakeChannel = { id: this.snowflake(), type: 1, recipients: [user], last_message_id: null };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** A public thread started from `messageId` (its id is the message's, as on Discord). */
  threadFrom(messageId: string, name: string, owner: FakeUser): FakeChannel {
    const existing = this.channels.get(messageId);
    if (existing) return existing;
    const message = this.messages.get(messageId);
    if (!message) throw new Error(`fake discord: no message ${messageId} to start a thread from`);
    const thread: FakeChannel = {
      id: messageId,
      type: 11,
      name,
      guild_id: this.guildId,
      parent_id: message.channel_id,
      owner_id: owner.id,
      member_count: 1,
      message_count: 0,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
    };
    this.channels.set(thread.id, thread);
    message.flags |= 1 << 5; // HAS_THREAD
    if (this.session) this.dispatch('THREAD_CREATE', { ...thread, newly_created: true });
    return thread;
  }

  /** A user (or a bot) posts in a channel; dispatches MESSAGE_CREATE. */
  post(options: {
    channel: FakeChannel;
    author: FakeUser;
    content: string;
    mentions?: FakeUser[];
    mentionRoles?: string[];
    reference?: FakeMessage;
  }): FakeMessage {
    const message = this.createMessage(options.channel, options.author, {
      content: options.content,
      mentions: options.mentions ?? [],
      mention_roles: options.mentionRoles ?? [],
      message_reference: options.reference
        ? { message_id: options.reference.id, channel_id: options.reference.channel_id, guild_id: options.reference.guild_id }
        : undefined,
    });
    this.dispatch('MESSAGE_CREATE', { ...this.wire(message), channel_type: options.channel.type });
    return message;
  }

  /** A slash command `/ask`; dispatches INTERACTION_CREATE and returns its token. */
  slashAsk(options: { channel: FakeChannel; user: FakeUser; question: string; private?: boolean; locale?: string }): {
    id: string;
    token: string;
  } {
    const id = this.snowflake();
    const token = `itoken-${id}`;
    const opts: Record<string, unknown>[] = [{ name: 'question', type: 3, value: options.question }];
    if (options.private !== undefined) opts.push({ name: 'private', type: 5, value: options.private });
    this.dispatch('INTERACTION_CREATE', {
      ...this.interactionBase(id, token, options.channel, options.user, options.locale),
      type: 2,
      data: { id: this.snowflake(), name: 'ask', type: 1, options: opts },
    });
    return { id, token };
  }

  /** A user presses a button under a bot message; dispatches INTERACTION_CREATE. */
  press(options: { message: FakeMessage; customId: string; user: FakeUser; locale?: string }): { id: string; token: string } {
    const id = this.snowflake();
    const token = `itoken-${id}`;
    const channel = this.channels.get(options.message.channel_id)!;
    this.dispatch('INTERACTION_CREATE', {
      ...this.interactionBase(id, token, channel, options.user, options.locale),
      type: 3,
      message: this.wire(options.message),
      data: { custom_id: options.customId, component_type: 2 },
    });
    return { id, token };
  }

  /** Makes the next matching REST call fail with `status`. */
  failNext(method: string, path: RegExp, status: number): void {
    this.failures.push({ method, path, status });
  }

  /**
   * Sends RECONNECT (op 7) and, while the client is away, runs `meanwhile` (its dispatches are
   * queued for replay). The client's RESUME is answered only after that, replaying what it
   * missed, plus `replayAlreadySeen` events it had already received (as Discord may).
   */
  async reconnect(meanwhile: () => void | Promise<void>, options: { replayAlreadySeen?: number } = {}): Promise<void> {
    const session = this.session;
    if (!session?.socket) throw new Error('fake discord: no connected session to reconnect');
    let release!: () => void;
    this.holdResume = new Promise<void>((resolve) => (release = resolve));
    this.replayAlreadySeen = options.replayAlreadySeen ?? 0;
    const socket = session.socket;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.send(JSON.stringify({ op: 7, d: null }));
    await closed;
    await meanwhile();
    release();
  }

  /** Bot messages (and interaction replies) in the order they were created. */
  botMessages(): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.author.id === this.bot.id);
  }

  messagesIn(channelId: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId);
  }

  async waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = probe();
      if (value) return value;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`fake discord: timed out waiting for ${what}`);
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- gateway ------------------------------------------------------------------------------

  private onConnection(socket: WebSocket, req: IncomingMessage): void {
    const record = { url: req.url ?? '', opcodes: [] as number[] };
    this.connections.push(record);
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.options.heartbeatIntervalMs } }));
    socket.on('message', (raw) => {
      const payload = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> | number | null };
      record.opcodes.push(payload.op);
      if (payload.op === 1) {
        this.heartbeats++;
        socket.send(JSON.stringify({ op: 11 }));
      } else if (payload.op === 2 && this.refuseIntents) socket.close(4014, 'Disallowed intent(s).');
      else if (payload.op === 2) this.identify(socket);
      else if (payload.op === 6) void this.resume(socket, payload.d as { session_id: string; seq: number });
    });
    socket.on('close', () => {
      if (this.session?.socket === socket) this.session.socket = null;
      for (const replica of this.replicaSessions) if (replica.socket === socket) replica.socket = null;
    });
  }

  private identify(socket: WebSocket): void {
    if (this.multiSession && this.session?.socket) this.replicaSessions.push(this.session);
    this.session = { id: `session-${this.snowflake()}`, seq: 0, events: [], socket };
    this.dispatch(
      'READY',
      {
        v: 10,
        user: this.bot,
        guilds: [{ id: this.guildId, unavailable: true }],
        session_id: this.session.id,
        resume_gateway_url: this.resumeUrl,
        shard: [0, 1],
        application: { id: this.applicationId, flags: 0 },
        private_channels: [],
        relationships: [],
        user_settings: {},
      },
      true,
    );
    this.dispatch('GUILD_CREATE', this.guildPayload(), true);
  }

  private async resume(socket: WebSocket, d: { session_id: string; seq: number }): Promise<void> {
    if (this.holdResume) await this.holdResume;
    this.holdResume = null;
    const session = this.session;
    if (!session || session.id !== d.session_id) {
      socket.send(JSON.stringify({ op: 9, d: false }));
      return;
    }
    session.socket = socket;
    // Never replays READY (s = 1): a resumed session is not a new one.
    const from = Math.max(1, d.seq - this.replayAlreadySeen);
    this.replayAlreadySeen = 0;
    for (const event of session.events.filter((e) => e.s > from)) socket.send(JSON.stringify({ op: 0, ...event }));
    this.dispatch('RESUMED', {});
  }

  /** Sends a dispatch now, or keeps it for the RESUME replay when the client is away. */
  dispatch(t: string, d: unknown, onlyNewest = false): void {
    if (!onlyNewest) {
      for (const replica of this.replicaSessions) {
        replica.seq += 1;
        if (replica.socket?.readyState === WebSocket.OPEN) replica.socket.send(JSON.stringify({ op: 0, s: replica.seq, t, d }));
      }
    }
    const session = this.session;
    if (!session) return;
    session.seq += 1;
    const event = { s: session.seq, t, d };
    session.events.push(event);
    if (session.events.length > 1000) session.events.shift();
    if (session.socket && session.socket.readyState === WebSocket.OPEN && !this.holdResume)
      session.socket.send(JSON.stringify({ op: 0, ...event }));
  }

  private guildPayload(): Record<string, unknown> {
    const channels = [...this.channels.values()].filter((c) => c.guild_id === this.guildId && c.type !== 11);
    return {
      id: this.guildId,
      name: 'Test guild',
      icon: null,
      owner_id: this.user('owner').id,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: [
        {
          id: this.guildId,
          name: '@everyone',
          permissions: EVERYONE_PERMISSIONS,
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
        },
        {
          id: this.botRoleId,
          name: 'sanad',
          permissions: '0',
          position: 1,
          color: 0,
          hoist: false,
          managed: true,
          mentionable: true,
          flags: 0,
          tags: { bot_id: this.bot.id },
        },
      ],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      system_channel_id: null,
      joined_at: new Date().toISOString(),
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [{ user: this.bot, roles: [this.botRoleId], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 }],
      channels,
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      preferred_locale: 'ar',
      premium_tier: 0,
      nsfw_level: 0,
    };
  }

  private interactionBase(id: string, token: string, channel: FakeChannel, user: FakeUser, locale = 'ar'): Record<string, unknown> {
    const inGuild = channel.guild_id !== undefined;
    return {
      id,
      token,
      application_id: this.applicationId,
      version: 1,
      channel_id: channel.id,
      channel: {
        id: channel.id,
        type: channel.type,
        ...(channel.name ? { name: channel.name } : {}),
        ...(channel.parent_id ? { parent_id: channel.parent_id } : {}),
      },
      ...(inGuild
        ? {
            guild_id: this.guildId,
            guild_locale: 'ar',
            member: {
              user,
              roles: [],
              permissions: EVERYONE_PERMISSIONS,
              joined_at: new Date().toISOString(),
              deaf: false,
              mute: false,
              flags: 0,
            },
          }
        : { user }),
      locale,
      app_permissions: EVERYONE_PERMISSIONS,
      entitlements: [],
      authorizing_integration_owners: { '0': this.guildId },
      context: inGuild ? 0 : 1,
    };
  }

  // ---- REST ---------------------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    const raw = await readBody(req);
    const body = parseBody(raw, req.headers['content-type']);
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path, query: url.searchParams, body, at: Date.now() });
    const failure = this.failures.findIndex((f) => f.method === method && f.path.test(path));
    if (failure >= 0) {
      const { status } = this.failures.splice(failure, 1)[0]!;
      return send(res, status, { message: 'Injected failure', code: 50013 });
    }
    try {
      const result = this.route(method, path, url.searchParams, body as Record<string, unknown>);
      if (result === undefined) return send(res, 404, { message: `fake discord: no route ${method} ${path}`, code: 0 });
      send(res, result === null ? 204 : 200, result);
    } catch (error) {
      send(res, 404, { message: String(error), code: 10008 });
    }
  }

  private route(method: string, path: string, query: URLSearchParams, body: Record<string, unknown>): unknown {
    let m: RegExpMatchArray | null;
    if (method === 'GET' && (path === '/gateway/bot' || path === '/gateway')) {
      return { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } };
    }
    if (method === 'GET' && path === '/users/@me') return this.bot;
    if ((m = path.match(/^\/channels\/(\d+)\/typing$/)) && method === 'POST') {
      this.typing.push({ channel: m[1]!, at: Date.now() });
      return null;
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)\/threads$/)) && method === 'POST') {
      return this.threadFrom(m[2]!, String(body.name ?? 'thread'), this.bot);
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages$/))) {
      const channel = this.channels.get(m[1]!);
      if (!channel) throw new Error('Unknown Channel');
      if (method === 'POST') return this.wire(this.botSend(channel, body));
      if (method === 'GET') {
        const before = query.get('before');
        const limit = Number(query.get('limit') ?? 50);
        const list = this.messagesIn(channel.id)
          .filter((msg) => !before || BigInt(msg.id) < BigInt(before))
          .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
          .slice(0, limit);
        return list.map((msg) => this.wire(msg));
      }
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)$/))) {
      const message = this.messages.get(m[2]!);
      if (!message || message.channel_id !== m[1]) throw new Error('Unknown Message');
      if (method === 'GET') return this.wire(message);
      if (method === 'PATCH') return this.wire(this.botEdit(message, body));
    }
    if ((m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/)) && method === 'POST') {
      const type = Number(body.type);
      const data = body.data as Record<string, unknown> | undefined;
      this.interactionCallbacks.push({ id: m[1]!, token: m[2]!, type, data });
      const channel = this.interactionChannel(m[2]!);
      if (type === 4 || type === 5) {
        const message = this.botSend(channel, { ...(data ?? {}), ...(type === 5 ? { flags: Number(data?.flags ?? 0) | 128 } : {}) }, m[2]!);
        if (type === 5) {
          // A deferred reply carries no text yet, so nothing in it could ping.
          message.embeds = [];
          message.sentAllowedMentions = [];
        }
      }
      return null;
    }
    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/))) {
      const original = this.botMessages().find((msg) => msg.interaction_token === m![2]);
      if (!original) throw new Error('Unknown Webhook message');
      if (method === 'PATCH') return this.wire(this.botEdit(original, body));
      if (method === 'GET') return this.wire(original);
    }
    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)$/)) && method === 'POST') {
      return this.wire(this.botSend(this.interactionChannel(m[2]!), body, `${m[2]!}#followup`));
    }
    if ((m = path.match(/^\/applications\/(\d+)(\/guilds\/\d+)?\/commands$/)) && method === 'PUT') {
      this.registeredCommands.push({ path, body });
      return (body as unknown as Record<string, unknown>[]).map((command) => ({
        ...command,
        id: this.snowflake(),
        application_id: m![1],
        version: '1',
      }));
    }
    return undefined;
  }

  private interactionChannel(token: string): FakeChannel {
    const id = token.replace(/^itoken-/, '');
    const event = this.session?.events.find((e) => e.t === 'INTERACTION_CREATE' && (e.d as { id: string }).id === id);
    const channelId = (event?.d as { channel_id?: string } | undefined)?.channel_id;
    const channel = channelId ? this.channels.get(channelId) : undefined;
    if (!channel) throw new Error('Unknown interaction');
    return channel;
  }

  private botSend(channel: FakeChannel, body: Record<string, unknown>, interactionToken?: string): FakeMessage {
    const reference = body.message_reference as { message_id: string } | undefined;
    const message = this.createMessage(channel, this.bot, {
      content: String(body.content ?? ''),
      embeds: (body.embeds as Record<string, unknown>[] | undefined) ?? [],
      components: (body.components as Record<string, unknown>[] | undefined) ?? [],
      flags: Number(body.flags ?? 0),
      message_reference: reference
        ? { message_id: reference.message_id, channel_id: channel.id, ...(channel.guild_id ? { guild_id: channel.guild_id } : {}) }
        : undefined,
    });
    message.sentAllowedMentions = [body.allowed_mentions as Record<string, unknown> | undefined];
    message.edits = 0;
    if (interactionToken) message.interaction_token = interactionToken;
    this.lastBotWrite = Date.now();
    // Discord sends the bot its own messages too (with channel_type, which DMs need).
    if (!interactionToken) this.dispatch('MESSAGE_CREATE', { ...this.wire(message), channel_type: channel.type });
    return message;
  }

  private botEdit(message: FakeMessage, body: Record<string, unknown>): FakeMessage {
    if (message.author.id !== this.bot.id) throw new Error('Cannot edit a message authored by another user');
    if ('content' in body) message.content = String(body.content ?? '');
    if ('embeds' in body) message.embeds = (body.embeds as Record<string, unknown>[] | null) ?? [];
    if ('components' in body) message.components = (body.components as Record<string, unknown>[] | null) ?? [];
    message.flags &= ~128; // no longer "thinking"
    message.edited_timestamp = new Date().toISOString();
    message.edits = (message.edits ?? 0) + 1;
    (message.sentAllowedMentions ??= []).push(body.allowed_mentions as Record<string, unknown> | undefined);
    this.lastBotWrite = Date.now();
    return message;
  }

  private createMessage(channel: FakeChannel, author: FakeUser, fields: Partial<FakeMessage>): FakeMessage {
    const message: FakeMessage = {
      id: this.snowflake(),
      channel_id: channel.id,
      ...(channel.guild_id ? { guild_id: channel.guild_id } : {}),
      author,
      content: '',
      embeds: [],
      components: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      attachments: [],
      pinned: false,
      tts: false,
      type: fields.message_reference ? 19 : 0,
      flags: 0,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
    };
    this.messages.set(message.id, message);
    return message;
  }

  /** The message as Discord sends it: without the fake's bookkeeping fields. */
  wire(message: FakeMessage): Record<string, unknown> {
    const { sentAllowedMentions: _a, interaction_token: _t, edits: _e, ...rest } = message;
    const out: Record<string, unknown> = { ...rest };
    if (message.guild_id && message.author.id !== this.bot.id)
      out.member = { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 };
    if (message.message_reference) {
      const referenced = this.messages.get(message.message_reference.message_id);
      if (referenced)
        out.referenced_message = { ...referenced, sentAllowedMentions: undefined, interaction_token: undefined, edits: undefined };
    }
    return out;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** JSON bodies, and multipart bodies (discord.js uses them with files) by their payload_json part. */
function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return {};
  if (contentType?.startsWith('multipart/form-data')) {
    const match = raw.match(/name="payload_json"\r\n(?:Content-Type: [^\r\n]*\r\n)?\r\n([\s\S]*?)\r\n--/);
    return match ? JSON.parse(match[1]!) : {};
  }
  return JSON.parse(raw);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (status === 204) {
    res.writeHead(204).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
