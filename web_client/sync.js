// The live connection to one board: /ws/boards/{id}?ticket=… (see docs and service/ws.py).
//
// hello {since, epoch} → welcome (a view, or the events after `since`) → events in version
// order. Events are delivered to the handler exactly once and without gaps: an event at or
// below the held version is dropped, a gap makes us reconnect and resume. Commands stay in
// `unacked` until an ack or reject arrives and are re-sent with the SAME op_id after every
// reconnect (the server applies an op_id once). Each connection asks for a fresh ticket over
// HTTP (valid seconds, for this board, once), so no lasting credential is ever in a URL. `pong` frames carry the server's
// clock: `now()` is our best guess of server time, for timers that end at a server instant.

const PING_EVERY_MS = 20_000;
const PONG_DEADLINE_MS = 50_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;
const CLOSE_SLOW = 4008;
const CLOSE_RESYNC = 4000; // ours: we saw a gap and start again from what we hold
const FATAL_CODES = new Set([4401, 4403, 4404]);

export class Sync {
  /**
   * handlers: welcome(frame, view|null), events(list), ack(frame), reject(frame),
   * presence(frame), status(state, detail), error(frame), fatal(message, code),
   * probe() → Promise<{message, code}|null>
   */
  constructor(boardId, ticket, handlers) {
    this.boardId = boardId;
    this.ticket = ticket; // () → Promise<string>: a fresh ticket for this board
    this.on = handlers;
    this.version = null; // the last board version held (null: none yet)
    this.epoch = null;
    this.unacked = new Map(); // op_id → command, in send order
    this.ws = null;
    this.joined = false;
    this.attempt = 0;
    this.stopped = true;
    this.timer = null;
    this.pinger = null;
    this.lastPong = 0;
    this.everJoined = false;
    this.offset = 0; // server clock − our clock, in ms (0 until the first pong)
    this.bestRtt = Infinity;
    this.sampledAt = 0;
  }

  /** Server time now, in ms since the epoch. */
  now() { return Date.now() + this.offset; }

  /** Drop what we hold and join again for a fresh view (e.g. people are now shown otherwise).
   * Unacked commands are re-sent after the welcome, as after any reconnect. */
  refresh() {
    this.version = null;
    this.epoch = null;
    const ws = this.ws;
    if (!ws || this.stopped) return; // the next connect says hello with since: null anyway
    this.ws = null; // frames still arriving on the old socket are ignored from now on
    this.joined = false;
    clearInterval(this.pinger);
    ws.close(CLOSE_RESYNC, "refresh");
    this.on.status("reconnecting");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), 50);
  }

  start() {
    this.stopped = false;
    window.addEventListener("online", () => this.reconnectNow());
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close(1000, "bye");
  }

  /** Record a command and send it if we are joined; it is re-sent until acked or rejected. */
  send(opId, command) {
    this.unacked.set(opId, command);
    if (this.joined) this.write({ type: "command", op_id: opId, command });
  }

  /** Ephemeral presence (cursor, selection, typing); dropped while offline. */
  presence(frame) {
    if (this.joined) this.write({ type: "presence", ...frame });
  }

  reconnectNow() {
    if (this.stopped || this.ws) return;
    clearTimeout(this.timer);
    this.connect();
  }

  url(ticket) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/ws/boards/${encodeURIComponent(this.boardId)}` +
      `?ticket=${encodeURIComponent(ticket)}`;
  }

  async connect() {
    this.on.status(this.everJoined ? "reconnecting" : "connecting");
    let ticket;
    try {
      ticket = await this.ticket();
    } catch (error) {
      if (this.stopped) return;
      if (error.code !== "network" && error.code !== "http_503") {
        return this.fail(error.message, error.code); // refused: this link does not open the board
      }
      this.on.status("reconnecting");
      this.attempt += 1;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.connect(), this.backoff());
      return;
    }
    if (this.stopped || this.ws) return;
    const ws = new WebSocket(this.url(ticket));
    this.ws = ws;
    this.joined = false;
    ws.onopen = () => {
      this.write({ type: "hello", since: this.version, epoch: this.epoch });
    };
    ws.onmessage = (message) => {
      if (ws !== this.ws) return;
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      this.frame(frame);
    };
    ws.onclose = (event) => { if (ws === this.ws) this.closed(event, ws); };
  }

  write(frame) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  frame(frame) {
    switch (frame.type) {
      case "welcome": return this.welcome(frame);
      case "events": return this.deliver(frame.events);
      case "ack":
        this.unacked.delete(frame.op_id);
        return this.on.ack(frame);
      case "reject":
        if (frame.code === "rate_limited") return this.later(frame);
        this.unacked.delete(frame.op_id);
        return this.on.reject(frame);
      case "presence": return this.on.presence(frame);
      case "pong": return this.pong(frame);
      case "error": return this.on.error(frame);
      default: return undefined;
    }
  }

  welcome(frame) {
    this.joined = true;
    this.everJoined = true;
    this.attempt = 0;
    this.epoch = frame.epoch;
    if (frame.view) {
      this.version = frame.version;
      this.on.welcome(frame, frame.view);
    } else {
      this.on.welcome(frame, null);
      this.deliver(frame.events ?? []);
    }
    for (const [opId, command] of this.unacked) {
      this.write({ type: "command", op_id: opId, command });
    }
    this.lastPong = Date.now();
    clearInterval(this.pinger);
    this.pinger = setInterval(() => this.ping(), PING_EVERY_MS);
    this.ping(); // at once: the first pong sets the server clock offset for timers
    this.on.status("live");
  }

  /** A pong: alive, and a sample of the server's clock, taken as read at the midpoint of the
   * round trip. A trip much slower than the best one seen gives a loose guess and is skipped,
   * unless the last sample is five minutes old (either clock may have been adjusted). */
  pong(frame) {
    const now = Date.now();
    this.lastPong = now;
    if (typeof frame.server_time !== "number" || typeof frame.t !== "number") return;
    const rtt = Math.max(0, now - frame.t * 1000);
    if (rtt > this.bestRtt * 2 + 50 && now - this.sampledAt < 5 * 60_000) return;
    this.bestRtt = Math.min(this.bestRtt, rtt);
    this.sampledAt = now;
    this.offset = frame.server_time * 1000 + rtt / 2 - now;
  }

  /** A command refused for coming too fast stays unacked and is sent again, with the same
   * op_id, once the server says one more will do (a reconnect meanwhile re-sends it too). */
  later(frame) {
    setTimeout(() => {
      const command = this.unacked.get(frame.op_id);
      if (command && this.joined) this.write({ type: "command", op_id: frame.op_id, command });
    }, Math.max(0, frame.retry_after ?? 1) * 1000);
  }

  /** Hand over the events that follow what we hold, in order; resync on a gap. */
  deliver(events) {
    const fresh = [];
    for (const event of [...events].sort((a, b) => a.version - b.version)) {
      const held = this.version ?? 0;
      if (event.version <= held) continue;
      if (event.version !== held + 1) {
        this.on.events(fresh);
        this.ws?.close(CLOSE_RESYNC, "gap");
        return;
      }
      fresh.push(event);
      this.version = event.version;
    }
    if (fresh.length) this.on.events(fresh);
  }

  ping() {
    if (Date.now() - this.lastPong > PONG_DEADLINE_MS) {
      this.ws?.close(CLOSE_RESYNC, "no pong");
      return;
    }
    this.write({ type: "ping", t: Date.now() / 1000 });
  }

  async closed(event) {
    clearInterval(this.pinger);
    const wasJoined = this.joined;
    this.ws = null;
    this.joined = false;
    if (this.stopped) return;
    if (FATAL_CODES.has(event.code)) {
      const code = event.code === 4404 ? "board_not_found" : `ws_${event.code}`;
      return this.fail(event.reason || "The board refused this link.", code);
    }
    if (!wasJoined && this.attempt >= 1 && this.on.probe) {
      // A refused handshake reaches the browser as 1006; ask over HTTP why.
      const why = await this.on.probe();
      if (why) return this.fail(why.message, why.code);
    }
    this.on.status("reconnecting");
    const delay = event.code === CLOSE_SLOW || event.code === CLOSE_RESYNC
      ? 50 + Math.random() * 200
      : this.backoff();
    this.attempt += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
    return undefined;
  }

  /** Exponential backoff with "equal jitter": half fixed, half random. */
  backoff() {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  fail(message, code = "") {
    this.stopped = true;
    this.on.status("offline");
    this.on.fatal(message, code);
  }
}
