// The board page: a live connection (sync.js) whose events fold into a view (board.js,
// facilitation.js), note and vote commands shown at once and rolled back if refused, and
// everything drawn from that one view: the canvas (input: board_input.js; tools around it:
// board_tools.js), its other views (views.js), the facilitation (panels.js), discussion,
// promotion, set-up and undo.
import { firstTicket } from "./boot.js";
import {
  applyCommand, applyEvent, emptyView, itemMarks, mayChangeBoard, mayChangeNote,
} from "./board.js";
import { BoardRenderer } from "./board_render.js";
import { BoardInput } from "./board_input.js";
import { BoardTools } from "./board_tools.js";
import { DiscussionPanel } from "./discussion.js";
import { NOT_FOUND_CODES, showNotFound, workshopLink } from "./dom.js";
import { mayVote, openRound, refusal, selfId } from "./facilitation.js";
import { showGathered } from "./gather.js";
import { Grouping } from "./grouping.js";
import { renderHere } from "./here.js";
import { uuidv7 } from "./ids.js";
import { Nudge } from "./keyboard.js";
import { describe, Panels } from "./panels.js";
import { PromotePanel } from "./promote.js";
import { replayUrl } from "./replay.js";
import { SetupPanel } from "./setup.js";
import { setStatus, showAlert } from "./shell.js";
import { CanvasSpace } from "./space.js";
import { Sync } from "./sync.js";
import { UndoControls } from "./undo.js";
import { BoardViews } from "./views.js";

const $ = (id) => document.getElementById(id);

export class BoardPage {
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
    this.input = new BoardInput(this);
    this.tools = new BoardTools(this);
    this.nudge = new Nudge((held) => this.input.land(held));
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
    this.input.explain(this.readOnly);
    this.panels.start(this.me, () => this.sync.now());
    this.discussion.start(this.me);
    this.promote.wire();
    if (this.me.role === "facilitator") this.setup.wire();
    if (!this.readOnly) this.undo.wire();
    this.tools.wire();
    this.input.wire();
    $("alert").querySelector("button").addEventListener("click", () => { $("alert").hidden = true; });
    this.views.start();
    this.tools.wireView();
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
    this.tools.renderViewTools();
    this.grouping.render(this.view);
    this.panels.render(this.view, self.id);
    this.views.render(this.view);
    this.discussion.render(this.view);
    this.promote.render(this.view, this.me);
    this.setup.render(this.view);
    this.tools.renderTools();
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
    renderHere(this.me, this.view, this.members);
    showGathered(this.view, { boardId: this.boardId, token: this.api.token, scope: this.scope });
  }

  /** What to call the person `id` of the view: you, someone here now, else "Someone". */
  nameOf(id) {
    if (id === this.self.id) return "You";
    const here = [...this.members.values()].find((m) => m.id === id);
    return here?.name || "Someone";
  }

  /** One dot on `itemId` (or one back): shown at once, rolled back if the server refuses. */
  vote(itemId, add) {
    const round = openRound(this.view);
    if (!round || !itemId) return;
    this.command({ type: add ? "vote.cast" : "vote.retract", round_id: round.id, item_id: itemId });
  }
}
