// The replay of a board (/b/{id}?replay=1&v=N): every event this person may read (GET
// /events, paged), cut again to what the live socket showed them when it happened, folded by
// the live board's own fold (board.js applyEvent) and drawn read-only by its renderer and
// panels. No socket, no commands: a cursor over versions 0..head, moved by a slider, steps,
// play at a compressed speed, and "jump to" marks. One page's parts (load, cursor, drawing,
// marks, log) that only make sense together: kept in one module, past 300 lines on purpose.
import { applyEvent, emptyView, itemMarks } from "./board.js";
import { BoardRenderer } from "./board_render.js";
import {
  el, formatTime, NOT_FOUND_CODES, roleName, shorten, showNotFound, workshopLink,
} from "./dom.js";
import { itemTitle, OUTCOME_LABELS, PHASE_LABELS, roundNumber } from "./facilitation.js";
import { describe, Panels } from "./panels.js";

const $ = (id) => document.getElementById(id);
const PAGE = 5000; // the most GET /events answers at once
const IDLE_MS = 5000; // a longer pause between two events plays as this long
const FRAME_MS = 16; // at most one event a frame, however close they were recorded
const LOG_SIZE = 8;

const clockOf = (iso) => formatTime(iso, "seconds");

/** The replay page's address; `version` puts the cursor there (else at the head). */
export function replayUrl(boardId, token, version = null) {
  const at = version === null ? "" : `&v=${version}`;
  return `/b/${encodeURIComponent(boardId)}?replay=1${at}#token=${encodeURIComponent(token)}`;
}

/** The event as the live socket sent it to `self` at the time: reads of the past lift the
 * privacy of a revealed note or a closed round's dots, a replay puts it back (a placeholder
 * until the event that lifted it, which carries the facts). */
export function asLive(event, self) {
  const to = event.data?.private_to;
  if (to == null || to === self) return event;
  return { ...event, type: "redacted", data: {}, actor: "" };
}

const DONE = {
  "board.created": () => "created the board",
  "note.added": (d) => `added the note “${shorten(d.text, 50)}”`,
  "note.edited": (d) => `edited a note to “${shorten(d.text, 50)}”`,
  "note.moved": () => "moved a note",
  "note.recoloured": (d) => `made a note ${d.colour}`,
  "note.clustered": (d, v) => (d.cluster_id
    ? `put a note in “${shorten(itemTitle(v, d.cluster_id), 40)}”` : "took a note out of its cluster"),
  "note.deleted": () => "deleted a note",
  "cluster.created": (d) => `made the cluster “${shorten(d.label, 50)}”`,
  "cluster.renamed": (d) => `renamed a cluster to “${shorten(d.label, 50)}”`,
  "cluster.moved": () => "moved a cluster",
  "cluster.deleted": () => "deleted a cluster",
  "cluster.merged": (d, v) => `merged “${shorten(d.label, 40)}” into “${shorten(itemTitle(v, d.into_cluster_id), 40)}”`,
  "vote.cast": (d, v) => `put a dot on “${shorten(itemTitle(v, d.item_id), 40)}”`,
  "vote.retracted": (d, v) => `took a dot back from “${shorten(itemTitle(v, d.item_id), 40)}”`,
  "grid.placed": (d, v) => `placed “${shorten(itemTitle(v, d.item_id), 40)}” on the grid`,
  "change.undone": () => "took back their last change",
  "change.redone": () => "made their change again",
};

/** A "jump to" mark for the event (seen live) that leads to `view`, or null. */
function markOf(event, view) {
  const d = event.data;
  switch (event.type) {
    case "phase.changed": return `Phase: ${PHASE_LABELS[d.phase] ?? d.phase}`;
    case "private_writing.started": return "Private writing started";
    case "notes.revealed": return "Notes revealed";
    case "vote.opened": return `Vote round ${roundNumber(view, d.round_id)} opened`;
    case "vote.closed": return `When voting closed (round ${roundNumber(view, d.round_id)})`;
    case "decision.recorded":
      return `Decision: ${shorten(d.title, 50)} (${OUTCOME_LABELS[d.outcome] ?? d.outcome})`;
    default: return null;
  }
}

/** Every event the holder of `api`'s token may read on the board, paged from GET /events as
 * the replay page loads them, each cut to what the live socket showed them then (`asLive`) and
 * folded by the live board's fold: `seen[i]` is version i + 1, `views[v]` the view after
 * version v, under the board's anonymity now; `self` the id standing for them in both. */
export async function replayed(api, boardId) {
  const seen = [];
  const views = [emptyView(boardId)];
  let self = null;
  for (;;) {
    const page = await api.events(boardId, seen.length, PAGE);
    // The events show people under the board's policy now, its past too: one key for all.
    self = page.you.pseudonym ?? page.you.id;
    for (const event of page.events) {
      const shown = asLive(event, self);
      seen.push(shown);
      views.push(applyEvent(views.at(-1), shown));
    }
    if (page.events.length < PAGE) break;
  }
  // The past under the policy the board has now, as GET /at shows it: the events come with
  // the names (or pseudonyms) of now, so each view says so too.
  const now = views.at(-1).anonymity;
  return {
    seen, self, views: views.map((v) => (v.anonymity === now ? v : { ...v, anonymity: now })),
  };
}

export class ReplayPage {
  constructor(api, boardId, claims, alert) {
    this.api = api;
    this.boardId = boardId;
    this.me = { id: claims.sub, name: claims.name, role: claims.role };
    this.self = claims.sub; // who the events show this person as (a pseudonym, on such a board)
    this.alert = alert;
    this.seen = []; // the events as seen live, version i + 1 at index i
    this.views = [emptyView(boardId)]; // the view after each version, 0 … head
    this.cursor = 0;
    this.names = new Map(); // person id → name (the workshop's people)
    this.player = null;
    this.loaded = false;
    this.renderer = new BoardRenderer($("canvas"));
    const workshop = (params) => workshopLink(this.view.workshop_id, api.token, params);
    this.panels = new Panels(() => null, {
      trace: (d) => workshop({ board: boardId, trace: d.id }),
      track: (trackId) => workshop({ track: trackId }),
      replay: (d) => replayUrl(boardId, api.token, d.version),
    });
  }

  get head() { return this.seen.length; }
  get view() { return this.views[this.cursor]; }
  /** The instant of the cursor (ms): what the timer counts down from. */
  now() { return this.cursor ? Date.parse(this.seen[this.cursor - 1].recorded_at) : Date.now(); }

  /** For tests: where the cursor is, and what is shown. */
  state() {
    return { loaded: this.loaded, version: this.cursor, head: this.head,
      playing: Boolean(this.player), view: this.view };
  }

  async start() {
    document.body.classList.add("replay", "read-only");
    $("replay-slot").replaceWith($("replay-bar").content.cloneNode(true));
    $("board").hidden = false;
    $("tools").hidden = true;
    const status = $("status");
    status.dataset.state = "replay";
    status.querySelector(".label").textContent = "replay";
    $("canvas-help").textContent = "Notes can be focused with Tab to be read.";
    $("replay-live").href = `/b/${encodeURIComponent(this.boardId)}`
      + `#token=${encodeURIComponent(this.api.token)}`;
    this.panels.start(this.me, () => this.now(), { live: false });
    this.wire();
    try {
      await this.load();
    } catch (error) {
      if (NOT_FOUND_CODES.has(error.code)) {
        showNotFound("Board", `There is no board “${this.boardId}”, or this link does not open it.`);
      } else {
        this.alert(error.message, error.code);
      }
      return;
    }
    const asked = new URLSearchParams(location.search).get("v");
    const at = /^\d+$/.test(asked ?? "") ? Math.min(Number(asked), this.head) : this.head;
    this.loaded = true;
    $("replay-status").textContent = `${this.head} versions loaded.`;
    this.renderMarks();
    this.go(at);
  }

  async load() {
    const { seen, views, self } = await replayed(this.api, this.boardId);
    this.seen = seen;
    this.views = views;
    this.self = self;
    const workshopId = this.views.at(-1).workshop_id;
    const workshop = workshopId ? await this.api.workshop(workshopId).catch(() => null) : null;
    for (const p of workshop?.participants ?? []) this.names.set(p.id, p.name);
  }

  wire() {
    $("replay-slider").addEventListener("input", (ev) => {
      this.pause();
      this.go(Number(ev.target.value));
    });
    $("replay-back").addEventListener("click", () => { this.pause(); this.go(this.cursor - 1); });
    $("replay-forward").addEventListener("click", () => { this.pause(); this.go(this.cursor + 1); });
    $("replay-play").addEventListener("click", () => (this.player ? this.pause() : this.play()));
    $("replay-marks").addEventListener("click", (ev) => {
      const mark = ev.target.closest("button[data-version]");
      if (!mark) return;
      this.pause();
      this.go(Number(mark.dataset.version));
    });
  }

  /** Move the cursor to `version` (clamped to 0 … head) and draw the board there. */
  go(version) {
    this.cursor = Math.max(0, Math.min(this.head, version));
    history.replaceState(null, "", `${location.pathname}?replay=1&v=${this.cursor}`);
    this.render();
  }

  play() {
    if (!this.loaded) return;
    if (this.cursor >= this.head) this.go(0);
    this.next();
  }

  /** The next event after the gap it was recorded after (idle gaps cut short), compressed. */
  next() {
    if (this.cursor >= this.head) { this.pause(); return; }
    const speed = Number($("replay-speed").value) || 1;
    const gap = this.cursor ? Date.parse(this.seen[this.cursor].recorded_at) - this.now() : 0;
    const wait = Math.max(FRAME_MS, Math.min(IDLE_MS, Math.max(0, gap)) / speed);
    this.player = setTimeout(() => { this.go(this.cursor + 1); this.next(); }, wait);
    this.renderPlay();
  }

  pause() {
    clearTimeout(this.player);
    this.player = null;
    this.renderPlay();
  }

  renderPlay() {
    $("replay-play").textContent = this.player ? "Pause" : "Play";
  }

  // ------------------------------------------------------------ rendering

  render() {
    const view = this.view;
    const self = this.self;
    this.renderer.render(view, {
      me: { id: self, role: this.me.role }, pending: new Set(), cursors: [], dragging: null,
      editing: null, movable: false, mayEdit: () => false, ...itemMarks(view, self, () => false),
    });
    this.panels.render(view, self);
    $("title").textContent = view.title;
    document.title = `Replay: ${view.title || this.boardId} · Plenary`;
    $("version").textContent = `v${view.version}`;
    $("note-count").textContent = `${Object.keys(view.notes).length} notes`;
    this.renderBar();
  }

  renderBar() {
    const slider = $("replay-slider");
    slider.max = String(this.head);
    slider.value = String(this.cursor);
    slider.disabled = !this.loaded;
    const at = this.cursor ? `, ${clockOf(this.seen[this.cursor - 1].recorded_at)}` : ", before the first event";
    const text = `Version ${this.cursor} of ${this.head}${at}`;
    slider.setAttribute("aria-valuetext", text);
    $("replay-at").textContent = text;
    $("replay-back").setAttribute("aria-disabled", String(this.cursor === 0));
    $("replay-forward").setAttribute("aria-disabled", String(this.cursor === this.head));
    $("replay-open").href = replayUrl(this.boardId, this.api.token, this.cursor);
    for (const mark of $("replay-marks").querySelectorAll("button")) {
      const here = Number(mark.dataset.version) === this.cursor;
      if (here) mark.setAttribute("aria-current", "step");
      else mark.removeAttribute("aria-current");
    }
    this.renderLog();
    this.renderPlay();
  }

  renderMarks() {
    const marks = [];
    this.seen.forEach((event, index) => {
      const text = markOf(event, this.views[index + 1]);
      if (!text) return;
      const button = el("button", "replay-mark", text);
      button.type = "button";
      button.dataset.version = String(index + 1);
      button.dataset.type = event.type;
      button.title = `Version ${index + 1}, ${clockOf(event.recorded_at)}`;
      const item = el("li");
      item.append(button);
      marks.push(item);
    });
    $("replay-marks").replaceChildren(...marks);
    if (!marks.length) $("replay-marks").append(el("li", "empty", "Nothing to jump to yet."));
  }

  /** The last few events up to the cursor, newest first: when, who, what. */
  renderLog() {
    const items = [];
    for (let v = this.cursor; v > 0 && items.length < LOG_SIZE; v--) {
      const event = this.seen[v - 1];
      const item = el("li", "replay-event");
      item.dataset.version = String(v);
      item.dataset.type = event.type;
      item.append(el("span", "when", clockOf(event.recorded_at)), " ",
        el("span", "what", this.said(event, this.views[v], this.views[v - 1])));
      items.push(item);
    }
    $("replay-log").replaceChildren(...items);
    if (!items.length) $("replay-log").append(el("li", "empty", "Nothing has happened yet."));
  }

  /** "Marta (Lisbon) added the note …", with the names the workshop gives people. */
  said(event, after, before) {
    if (event.type === "redacted") return "Something you could not see then (private to another person).";
    const self = event.actor === this.self;
    const who = self ? `${this.me.name || "You"} (you)`
      : this.names.get(event.actor) ?? `Someone (${roleName(event.role)})`;
    const done = DONE[event.type]?.(event.data, before);
    if (done) return `${who} ${done}.`;
    return `${who}: ${describe(event, after) ?? event.type}`;
  }
}
