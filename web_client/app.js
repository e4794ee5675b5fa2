// Plenary's web client: wiring. The workshop page (workshop.js) shows the workshop, its
// decision log, decision traces and solution tracks; the board page keeps a live connection
// (sync.js), folds events into a view (board.js, facilitation.js), shows note and vote
// commands optimistically and the facilitation around the canvas (panels.js).
import { Api } from "./api.js";
import { credential, exchange, firstTicket } from "./boot.js";
import {
  BoardRenderer, COLOURS, NOTE_H, NOTE_W, applyCommand, applyEvent, clusterAt, clusterRects,
  emptyView, itemMarks, mayChangeBoard, mayChangeNote,
} from "./board.js";
import { mayVote, openRound, phasesOf, refusal, selfId } from "./facilitation.js";
import { NOT_FOUND_CODES, showNotFound, workshopLink } from "./dom.js";
import { uuidv7 } from "./ids.js";
import { showGathered } from "./gather.js";
import { HomePage } from "./home.js";
import { joinIfInvited } from "./join.js";
import { DiscussionPanel } from "./discussion.js";
import { arrowStep, neighbour, Nudge } from "./keyboard.js";
import { Grouping } from "./grouping.js";
import { describe, Panels } from "./panels.js";
import { PromotePanel } from "./promote.js";
import { SetupPanel } from "./setup.js";
import { CanvasSpace } from "./space.js";
import { ReplayPage, replayUrl } from "./replay.js";
import { Sync } from "./sync.js";
import { BoardViews } from "./views.js";
import { UndoControls } from "./undo.js";
import { WorkshopPage } from "./workshop.js";

const $ = (id) => document.getElementById(id);
const PRESENCE_EVERY_MS = 50; // at most 20 presence frames a second
const STATUS_TEXT = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…", offline: "offline" };

// --------------------------------------------------------------------------- session

/** The session `exchange` (boot.js: already under way for `credential`), kept fresh while the
 * page is open (a session lasts hours; it is renewed at half its life). */
async function openSession(credential, exchange) {
  const api = new Api(credential);
  const me = await exchange;
  const keep = (session) => {
    api.token = session.token;
    sessionStorage.setItem("plenary-token", session.token);
    const halfLife = Math.max(60_000, (session.expires_at * 1000 - Date.now()) / 2);
    setTimeout(() => api.session().then(keep).catch(() => setTimeout(() => keep(session), 60_000)),
      halfLife);
  };
  keep(me);
  return { api, me };
}

// --------------------------------------------------------------------------- alerts and status

let alertTimer = null;
/** A toast: fixed in a corner, it covers nothing you work on and goes away by itself. */
function showAlert(message, code = "") {
  const box = $("alert");
  box.querySelector(".message").textContent = message;
  box.dataset.code = code;
  box.hidden = false;
  clearTimeout(alertTimer);
  alertTimer = setTimeout(() => { box.hidden = true; }, 8000);
}

function setStatus(state) {
  const el = $("status");
  el.dataset.state = state;
  el.querySelector(".label").textContent = STATUS_TEXT[state] ?? state;
}

// --------------------------------------------------------------------------- board page

class BoardPage {
  constructor(api, boardId, claims) {
    this.api = api;
    this.boardId = boardId;
    this.me = { id: claims.sub, name: claims.name, role: claims.role, connection: null };
    this.scope = claims.board; // the one board this token opens, if it is narrowed
    this.confirmed = emptyView(boardId);
    this.pending = []; // {opId, command, ackedAt: version | null}
    this.members = new Map(); // connection → member
    this.ui = { dragging: null, editing: null };
    this.renderer = new BoardRenderer($("canvas"));
    this.space = new CanvasSpace($("viewport"), $("sizer"), $("canvas"), (scale) => {
      $("zoom-level").textContent = `${Math.round(scale * 100)}%`;
    });
    this.nudge = new Nudge((held) => this.land(held));
    this.grouping = new Grouping(this);
    const send = (command) => this.command(command);
    this.discussion = new DiscussionPanel(send, {
      nameOf: (id) => this.nameOf(id),
      itemElement: (id) => this.renderer.notes.get(id) ?? this.renderer.clusters.get(id) ?? null,
    });
    this.panels = new Panels(send, {
      trace: (d) => this.workshopUrl({ board: boardId, trace: d.id }),
      track: (trackId) => this.workshopUrl({ track: trackId }),
      replay: (d) => replayUrl(boardId, api.token, d.version),
      actions: (d, view) => this.discussion.decisionActions(d, view),
    });
    this.promote = new PromotePanel(api, send);
    this.setup = new SetupPanel(send);
    this.views = new BoardViews({ send, refused: (type) => this.refused(type),
      mayEdit: (note) => this.mayEdit(note), vote: (item, add) => this.vote(item, add),
      me: () => this.self, actor: () => this.me,
      names: () => new Map([...this.members.values()].map((m) => [m.id, m.name || m.role])) });
    this.undo = new UndoControls(send);
    this.view = this.confirmed;
    this.frame = 0;
    const ticket = async () => (await firstTicket()) ?? (await api.ticket(boardId)).ticket;
    this.sync = new Sync(boardId, ticket, {
      welcome: (f, view) => this.welcome(f, view),
      events: (events) => this.events(events),
      ack: (f) => this.ack(f),
      reject: (f) => this.reject(f),
      presence: (f) => this.presence(f),
      status: (state) => this.status(state),
      error: (f) => console.warn("plenary: server error frame", f.code, f.message),
      fatal: (message, code) => this.fatal(message, code),
      probe: () => this.probe(),
    });
  }

  get readOnly() { return !mayChangeBoard(this.me); }

  /** A page of this board's workshop: {} its overview, {board, trace} or {track}. */
  workshopUrl(params = {}) { return workshopLink(this.view.workshop_id, this.api.token, params); }

  /** The link no longer opens the board: a not-found page if there is nothing here for it. */
  fatal(message, code) {
    if (NOT_FOUND_CODES.has(code)) {
      showNotFound("Board", `There is no board “${this.boardId}”, or this link does not open it.`);
    } else {
      showAlert(message);
    }
  }

  /** Me as the shown view names me ({id, role}): my pseudonym on a pseudonymous board. */
  get self() { return { id: selfId(this.view, this.me), role: this.me.role }; }

  /** Why I may not issue `type` now, or null (the server decides; this guides the UI). */
  refused(type) { return refusal(this.view, this.me, type); }

  mayEdit(note) {
    return mayChangeNote(note, this.self) && !this.refused("note.edit");
  }

  start() {
    $("board").hidden = false;
    document.body.classList.toggle("read-only", this.readOnly);
    $("tools").hidden = this.readOnly;
    $("read-only").hidden = !this.readOnly;
    const hint = this.readOnly
      ? "You follow this board: notes, clusters and votes appear here as people make them."
      : "Double-click a note (or press Enter on it) to edit it. Drag it onto a cluster to group it. "
        + "Select several with Shift-click, Space, Ctrl+A or by dragging a box on the empty "
        + "canvas, then move them together or use the bar above the board. Drag a cluster by "
        + "its name; its buttons rename, merge and delete it.";
    $("board-hint").textContent = hint;
    $("canvas-help").textContent = this.readOnly
      ? "Notes can be focused with Tab to be read."
      : "Notes and clusters are focused with Tab, in the board's reading order. On a note: "
        + "arrow keys move it (Shift: further), recorded when you pause or press Enter, "
        + "Escape puts it back; Enter or F2 edits; Delete removes; Space selects it, Ctrl+A "
        + "selects every note, Escape clears the selection; arrow keys on a selected note move "
        + "the whole selection. On a cluster: arrow keys move it with its notes, Enter or F2 "
        + "renames, M merges it into another, Delete removes it. "
        + "Ctrl+Z takes back your last change, Ctrl+Shift+Z makes it again.";
    $("canvas-help").textContent += " Plus and minus zoom, 0 fits the board, Control with the"
      + " arrow keys pans; space or the middle button with a drag pans too.";
    this.panels.start(this.me, () => this.sync.now());
    this.discussion.start(this.me);
    this.promote.wire();
    if (this.me.role === "facilitator") this.setup.wire();
    if (!this.readOnly) this.undo.wire();
    this.wire();
    this.views.start();
    this.wireView();
    this.grouping.wire();
    this.sync.start();
    this.render();
  }

  // ------------------------------------------------------------ sync handlers

  welcome(frame, view) {
    this.me = { ...this.me, ...frame.you };
    const shown = this.me.pseudonym_name ? ` · shown as ${this.me.pseudonym_name}` : "";
    $("me").textContent = `${this.me.name || "You"} · ${this.me.role}${shown}`;
    if (view) this.confirmed = { ...emptyView(this.boardId), ...view };
    this.members = new Map(frame.members.map((m) => [m.connection, m]));
    this.settle();
  }

  /** Live comes right after a welcome (its view, or its events, handed over): drawn now, not
   * at the next animation frame, which a new or busy page may take a while to reach, so a page
   * that says live shows what it was welcomed with, on its canvas and in its view(). */
  status(state) {
    if (state === "live") this.renderNow();
    setStatus(state);
  }

  events(events) {
    for (const recorded of events) {
      this.confirmed = applyEvent(this.confirmed, recorded);
      const said = describe(recorded, this.confirmed);
      if (said) this.panels.announce(said);
    }
    // People are now shown by another id than the view we hold uses: join again for a fresh
    // view (and, on a pseudonymous board, for the pseudonym that stands for me).
    if (events.some((e) => e.type === "anonymity.set")) this.sync.refresh();
    this.settle();
  }

  ack(frame) {
    const op = this.pending.find((p) => p.opId === frame.op_id);
    if (op) op.ackedAt = frame.version;
    this.settle();
  }

  reject(frame) {
    this.pending = this.pending.filter((p) => p.opId !== frame.op_id); // rolls back its guess
    // A refused set-up shows under its form; any other refusal in a toast.
    if (!this.setup.rejected(frame)) showAlert(frame.message || frame.code, frame.code);
    this.panels.rejected(frame.op_id);
    this.discussion.rejected(frame.op_id);
    this.undo.rejected(frame);
    this.settle();
  }

  presence(frame) {
    for (const m of frame.members) this.members.set(m.connection, m);
    for (const c of frame.left ?? []) this.members.delete(c);
    this.scheduleRender();
  }

  async probe() {
    try {
      await this.api.board(this.boardId);
      return null;
    } catch (error) {
      if (["unauthorized", "http_401"].includes(error.code) || NOT_FOUND_CODES.has(error.code)) {
        return { message: `This link does not open the board: ${error.message}`, code: error.code };
      }
      return null;
    }
  }

  /** Drop acked commands the confirmed view already holds; then show confirmed + pending. */
  settle() {
    const held = this.confirmed.version;
    this.pending = this.pending.filter((p) => p.ackedAt === null || p.ackedAt > held);
    this.scheduleRender();
  }

  // ------------------------------------------------------------ commands

  /** Apply `command` locally now and send it; returns its op_id (null if not allowed). */
  command(command) {
    if (this.readOnly) {
      showAlert("You can look at this board but not change it.");
      return null;
    }
    const opId = uuidv7();
    this.pending.push({ opId, command, ackedAt: null });
    this.sync.send(opId, command);
    this.undo.sent(command);
    this.scheduleRender();
    return opId;
  }

  /** A new note or cluster goes where the board finds room nearest the middle of my screen. */
  addNote(text, colour) {
    return this.command({ type: "note.add", note_id: uuidv7(), text, near: this.space.centre(), colour });
  }

  addCluster(label) {
    return this.command({ type: "cluster.create", cluster_id: uuidv7(), label, near: this.space.centre() });
  }

  // ------------------------------------------------------------ rendering

  scheduleRender() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  /** Render at once; a render already scheduled would draw the same again, so it is dropped. */
  renderNow() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.render();
  }

  render() {
    const actor = { id: selfId(this.confirmed, this.me), role: this.me.role };
    this.view = this.nudge.overlay(
      this.pending.reduce((v, p) => applyCommand(v, p.command, actor), this.confirmed));
    const self = this.self;
    const pendingNotes = new Set(this.pending.flatMap((p) => p.command.commands ?? [p.command])
      .map((c) => c.note_id).filter(Boolean));
    const cursors = [];
    for (const m of this.members.values()) {
      if (m.connection === this.me.connection || !m.cursor) continue;
      cursors.push({ key: m.connection, id: m.id, name: m.name || m.role, x: m.cursor.x,
        y: m.cursor.y, typing: m.typing });
    }
    this.renderer.render(this.view, {
      me: self, pending: pendingNotes, cursors, ...this.ui,
      movable: !this.refused("note.move"), nudging: this.nudge.held?.id ?? null,
      mayEdit: (note) => this.mayEdit(note),
      ...itemMarks(this.view, self.id, (round) => mayVote(this.view, round, this.me)),
    });
    this.space.update(this.renderer.bounds);
    this.renderViewTools();
    this.grouping.render(this.view);
    this.panels.render(this.view, self.id);
    this.views.render(this.view);
    this.discussion.render(this.view);
    this.promote.render(this.view, this.me);
    this.setup.render(this.view);
    this.renderTools();
    $("title").textContent = this.view.title;
    if (this.view.workshop_id) {
      const link = $("workshop-link");
      link.href = this.workshopUrl();
      link.hidden = false;
    }
    if (this.view.title) document.title = `${this.view.title} · Plenary`;
    $("replay-link").href = replayUrl(this.boardId, this.api.token);
    $("replay-link").hidden = false;
    $("version").textContent = `v${this.confirmed.version}`;
    $("note-count").textContent = `${Object.keys(this.view.notes).length} notes`;
    this.renderPeople();
    showGathered(this.view, { boardId: this.boardId, token: this.api.token, scope: this.scope });
  }

  /** Note and cluster forms follow the lock and the phase (participants); say why not. */
  renderTools() {
    if (this.readOnly) return;
    const noteWhy = this.refused("note.add");
    const clusterWhy = this.refused("cluster.create");
    for (const node of $("add-note").elements) node.disabled = Boolean(noteWhy);
    for (const node of $("add-cluster").elements) node.disabled = Boolean(clusterWhy);
    const hint = $("tools-hint");
    // The lock has its own banner; a phase that closes the forms is said here.
    const why = this.view.locked || !noteWhy ? null
      : `Notes are written in the ${phasesOf("note.add")} phases`
        + (clusterWhy ? `, clusters made in the ${phasesOf("cluster.create")} phases.` : ".");
    hint.hidden = !why;
    hint.textContent = why ?? "";
    document.body.classList.toggle("frozen", Boolean(this.refused("note.move")));
  }

  /** What to call the person `id` of the view: you, someone here now, else "Someone". */
  nameOf(id) {
    if (id === this.self.id) return "You";
    const here = [...this.members.values()].find((m) => m.id === id);
    return here?.name || "Someone";
  }

  /** The cluster picker of the view tools follows the board's clusters. */
  renderViewTools() {
    const pick = $("cluster-pick");
    const clusters = Object.values(this.view.clusters).sort((a, b) => a.label.localeCompare(b.label));
    const key = clusters.map((c) => `${c.id}\u0000${c.label}`).join("\u0001");
    if (pick.dataset.key !== key) {
      const chosen = pick.value;
      pick.replaceChildren(...clusters.map((c) => new Option(c.label, c.id)));
      if (clusters.some((c) => c.id === chosen)) pick.value = chosen;
      pick.dataset.key = key;
    }
    for (const id of ["cluster-pick", "zoom-cluster", "tidy-cluster"]) $(id).disabled = !clusters.length;
  }

  /** Zoom, fit and tidy: the view tools (tidying is the facilitator's). */
  wireView() {
    this.space.wire();
    $("view-tools").hidden = false;
    $("zoom-in").addEventListener("click", () => this.space.zoomBy(1.25));
    $("zoom-out").addEventListener("click", () => this.space.zoomBy(1 / 1.25));
    $("zoom-fit").addEventListener("click", () => this.space.fit());
    $("zoom-cluster").addEventListener("click", () => {
      const rect = this.renderer.rects.get($("cluster-pick").value);
      if (rect) this.space.show(rect, 1.5);
    });
    $("tidy-cluster").addEventListener("click", () => {
      const id = $("cluster-pick").value;
      if (id) this.command({ type: "cluster.tidy", cluster_id: id });
    });
    $("tidy-board").addEventListener("click", () => this.command({ type: "board.tidy" }));
  }

  renderPeople() {
    const people = new Map();
    const name = this.me.pseudonym_name || this.me.name || this.me.role;
    people.set(selfId(this.view, this.me), { name, role: this.me.role, you: true });
    for (const m of this.members.values()) {
      if (m.connection === this.me.connection) continue;
      if (!people.has(m.id)) people.set(m.id, { name: m.name || m.role, role: m.role, you: false });
    }
    const list = $("people");
    const items = [...people.values()].map((p) => {
      const li = document.createElement("li");
      li.textContent = p.you ? `${p.name} (you)` : p.name;
      li.title = p.role;
      li.dataset.role = p.role;
      return li;
    });
    list.replaceChildren(...items);
    $("people-count").textContent = String(people.size);
  }

  // ------------------------------------------------------------ interaction

  wire() {
    $("add-note").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const input = $("note-text");
      const text = input.value.trim();
      if (!text) return;
      this.addNote(text, $("note-colour").value);
      input.value = "";
    });
    $("add-cluster").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const input = $("cluster-label");
      const label = input.value.trim();
      if (!label) return;
      this.addCluster(label);
      input.value = "";
    });
    $("alert").querySelector("button").addEventListener("click", () => { $("alert").hidden = true; });
    const canvas = $("canvas");
    canvas.addEventListener("pointerdown", (ev) => this.pointerDown(ev));
    canvas.addEventListener("dblclick", (ev) => {
      const el = ev.target.closest(".note");
      if (el) this.startEdit(el.dataset.id);
    });
    canvas.addEventListener("click", (ev) => {
      const button = ev.target.closest(".note .delete");
      if (button) this.deleteNote(button.closest(".note").dataset.id);
      const vote = ev.target.closest(".vote-add, .vote-remove");
      if (vote) this.vote(vote.dataset.item, vote.classList.contains("vote-add"));
    });
    canvas.addEventListener("keydown", (ev) => this.keyDown(ev));
    canvas.addEventListener("pointermove", (ev) => this.trackCursor(ev));
    canvas.addEventListener("pointerleave", () => this.sendPresence({ cursor: null }));
    // A nudged item is recorded when focus leaves it, as on a pause.
    canvas.addEventListener("focusout", () => this.nudge.settle());
    canvas.addEventListener("focusin", (ev) => {
      const el = ev.target.closest(".note");
      const selected = [...this.grouping.selected].slice(0, 50);
      if (el) this.sendPresence({ selection: selected.length ? selected : [el.dataset.id] });
    });
  }

  canvasPoint(ev) {
    const point = this.space.toBoard(ev.clientX, ev.clientY);
    return { x: Math.round(point.x), y: Math.round(point.y) };
  }

  trackCursor(ev) {
    const { x, y } = this.canvasPoint(ev);
    this.sendPresence({ cursor: { x, y } });
  }

  /** Throttled to PRESENCE_EVERY_MS, keeping the latest state (trailing send). */
  sendPresence(change) {
    this.presenceState = { cursor: null, selection: [], typing: null, ...this.presenceState, ...change };
    const due = (this.lastPresence ?? 0) + PRESENCE_EVERY_MS - Date.now();
    if (due <= 0) {
      this.lastPresence = Date.now();
      this.sync.presence(this.presenceState);
    } else if (!this.presenceTimer) {
      this.presenceTimer = setTimeout(() => {
        this.presenceTimer = null;
        this.lastPresence = Date.now();
        this.sync.presence(this.presenceState);
      }, due);
    }
  }

  /** One dot on `itemId` (or one back): shown at once, rolled back if the server refuses. */
  vote(itemId, add) {
    const round = openRound(this.view);
    if (!round || !itemId) return;
    this.command({ type: add ? "vote.cast" : "vote.retract", round_id: round.id, item_id: itemId });
  }

  pointerDown(down) {
    if (this.grouping.pointerDown(down)) return;
    const el = down.target.closest(".note");
    if (!el || this.refused("note.move") || down.button !== 0
      || down.target.closest("button, textarea")) return;
    const note = this.view.notes[el.dataset.id];
    if (!note) return;
    const id = note.id;
    const start = { x: note.x, y: note.y };
    let moved = false;
    el.setPointerCapture(down.pointerId);
    const zoom = this.space.scale; // screen pixels per board unit
    const move = (ev) => {
      const dx = (ev.clientX - down.clientX) / zoom;
      const dy = (ev.clientY - down.clientY) / zoom;
      if (!moved && Math.hypot(dx, dy) < 4) return;
      if (!moved) { moved = true; this.ui.dragging = id; this.render(); }
      el.style.left = `${start.x + dx}px`;
      el.style.top = `${start.y + dy}px`;
      this.trackCursor(ev);
    };
    const up = (ev) => {
      el.removeEventListener("pointermove", move);
      el.removeEventListener("pointerup", up);
      el.removeEventListener("pointercancel", up);
      if (!moved) return;
      this.ui.dragging = null;
      if (ev.type === "pointercancel") { this.render(); return; }
      const x = Math.round(start.x + (ev.clientX - down.clientX) / zoom);
      const y = Math.round(start.y + (ev.clientY - down.clientY) / zoom);
      this.drop(id, x, y);
    };
    el.addEventListener("pointermove", move);
    el.addEventListener("pointerup", up);
    el.addEventListener("pointercancel", up);
  }

  /** A note lands at (x, y): move it, and cluster or uncluster it by where its centre is
   * (both as one command). */
  drop(id, x, y) {
    this.grouping.send(this.dropped(id, x, y));
    this.render();
  }

  /** The commands that put note `id` at (x, y): its move, and its cluster change if its centre
   * lands in another cluster or out of its own (`skip`: notes moving with it, ignored). */
  dropped(id, x, y, skip = new Set([id])) {
    const note = this.view.notes[id];
    if (!note) return [];
    const commands = x !== note.x || y !== note.y ? [{ type: "note.move", note_id: id, x, y }] : [];
    // A hidden note joins a cluster once revealed; outside the clustering phases a
    // participant's note only moves.
    if (note.hidden || this.refused("note.cluster")) return commands;
    const height = this.renderer.notes.get(id)?.offsetHeight ?? NOTE_H;
    const rects = clusterRects(this.view, this.renderer.heights(), skip);
    const target = clusterAt(rects, x + NOTE_W / 2, y + height / 2);
    if (target !== (note.cluster_id ?? null)) {
      commands.push({ type: "note.cluster", note_id: id, cluster_id: target });
    }
    return commands;
  }

  deleteNote(id) {
    const note = this.view.notes[id];
    if (!note || !this.mayEdit(note)) return;
    const el = this.renderer.notes.get(id);
    const next = el && neighbour(el);
    this.command({ type: "note.delete", note_id: id });
    (next ?? $("viewport")).focus();
  }

  /** A nudged item comes to rest: recorded as one move (and at most one cluster change). */
  land(held) {
    this.render(); // the view without the nudge: what the server holds, plus what is pending
    if (held.kind === "note") this.drop(held.id, held.x, held.y);
    else this.grouping.land(held);
  }

  keyDown(ev) {
    if (this.grouping.keyDown(ev)) { ev.preventDefault(); return; }
    const el = ev.target.closest(".note");
    if (!el || ev.target !== el || this.refused("note.move")) return;
    const note = this.view.notes[el.dataset.id];
    if (!note) return;
    const step = arrowStep(ev);
    const nudged = this.nudge.holds("note", note.id);
    if (step) {
      this.nudge.by("note", note, ...step);
      this.render();
    } else if (nudged && (ev.key === "Enter" || ev.key === "Escape")) {
      if (ev.key === "Enter") this.nudge.settle();
      else { this.nudge.cancel(); this.render(); }
    } else if (ev.key === "Enter" || ev.key === "F2") {
      this.startEdit(note.id);
    } else if (ev.key === "Delete" || ev.key === "Backspace") {
      this.deleteNote(note.id);
    } else {
      return;
    }
    ev.preventDefault();
  }

  startEdit(id) {
    const note = this.view.notes[id];
    const el = this.renderer.notes.get(id);
    if (!note || !el || this.ui.editing || !this.mayEdit(note)) return;
    this.ui.editing = id;
    const box = document.createElement("textarea");
    box.className = "edit";
    box.value = note.text;
    box.maxLength = 500;
    box.setAttribute("aria-label", "Edit note text (Enter saves, Escape cancels)");
    el.append(box);
    this.render();
    box.focus();
    box.select();
    this.sendPresence({ typing: id });
    let done = false;
    const finish = (save) => {
      if (done) return;
      done = true;
      const text = box.value.trim();
      box.remove();
      this.ui.editing = null;
      this.sendPresence({ typing: null });
      const current = this.view.notes[id];
      if (save && current && text && text !== current.text) {
        this.command({ type: "note.edit", note_id: id, text });
      }
      this.render();
      el.focus();
    };
    box.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); finish(true); }
      if (ev.key === "Escape") { ev.preventDefault(); finish(false); }
    });
    box.addEventListener("blur", () => finish(true));
  }
}

// --------------------------------------------------------------------------- start

/** The page for someone without a working link: what to open instead. */
function showHome() {
  $("home").hidden = false;
  $("status").hidden = true; // no socket on this page: nothing connects
  $("title").hidden = true; // the home page has its own h1
}

async function main() {
  const token = credential;
  if (!token) { showHome(); return; }
  let session;
  try { session = await openSession(token, exchange); } catch (error) {
    sessionStorage.removeItem("plenary-token");
    showHome();
    showAlert(error.code === "network" ? error.message
      : `This link no longer opens Plenary (${error.message}) Ask for a new one.`, error.code);
    return;
  }
  const { api, me } = session;
  const claims = { sub: me.id, name: me.name, role: me.role, wid: me.workshop_id, board: me.board_id };
  $("me").textContent = `${claims.name || "You"} · ${claims.role}`;
  const [, kind, id] = location.pathname.split("/");
  if (me.kind === "organiser") {
    await new HomePage(api, me).start();
    return;
  }
  if (await joinIfInvited(api, me, token)) return;
  if (kind === "b" && id && new URLSearchParams(location.search).has("replay")) {
    const page = new ReplayPage(api, decodeURIComponent(id), claims, showAlert);
    window.plenary = { replay: () => page.state() }; // a seam for tests: no token in it
    await page.start();
  } else if (kind === "b" && id) {
    const colours = $("note-colour");
    colours.replaceChildren(...COLOURS.map((c) => new Option(c, c)));
    const page = new BoardPage(api, decodeURIComponent(id), claims);
    // A seam for tests and the console: the live page state (it holds no token).
    window.plenary = {
      command: (command) => page.command(command),
      view: () => page.view,
      version: () => page.confirmed.version,
      pending: () => page.pending.length,
      status: () => $("status").dataset.state,
      clockOffset: () => page.sync.offset,
      dropConnection: () => page.sync.ws?.close(4000, "dropped by hand"),
      chimes: () => page.panels.chime.rung,
    };
    page.start();
  } else {
    const page = new WorkshopPage(api, id ? decodeURIComponent(id) : claims.wid, claims);
    await page.start();
  }
}

main().catch((error) => showAlert(error.message));
