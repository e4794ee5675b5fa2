// The board page's canvas by pointer and keyboard: a note dragged or nudged lands as one move
// (and a cluster change if it came to rest in another cluster), edited in place, deleted; the
// cursor, selection and typing sent as presence. Grouping (grouping.js) takes selections and
// clusters; this module the single note.
import { clusterAt, clusterRects, NOTE_H, NOTE_W } from "./board.js";
import { arrowStep, neighbour } from "./keyboard.js";

const $ = (id) => document.getElementById(id);
const PRESENCE_EVERY_MS = 50; // at most 20 presence frames a second

export class BoardInput {
  /** `page`: the board page (board_page.js) whose view, renderer and commands it uses. */
  constructor(page) {
    this.page = page;
  }

  /** Say what the mouse and the keys do on the canvas (less for someone who only follows). */
  explain(readOnly) {
    const hint = readOnly
      ? "You follow this board: notes, clusters and votes appear here as people make them."
      : "Double-click a note (or press Enter on it) to edit it. Drag it onto a cluster to group it. "
        + "Select several with Shift-click, Space, Ctrl+A or by dragging a box on the empty "
        + "canvas, then move them together or use the bar above the board. Drag a cluster by "
        + "its name; its buttons rename, merge and delete it.";
    $("board-hint").textContent = hint;
    $("canvas-help").textContent = readOnly
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
  }

  wire() {
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
      if (vote) this.page.vote(vote.dataset.item, vote.classList.contains("vote-add"));
    });
    canvas.addEventListener("keydown", (ev) => this.keyDown(ev));
    canvas.addEventListener("pointermove", (ev) => this.trackCursor(ev));
    canvas.addEventListener("pointerleave", () => this.sendPresence({ cursor: null }));
    // A nudged item is recorded when focus leaves it, as on a pause.
    canvas.addEventListener("focusout", () => this.page.nudge.settle());
    canvas.addEventListener("focusin", (ev) => {
      const el = ev.target.closest(".note");
      const selected = [...this.page.grouping.selected].slice(0, 50);
      if (el) this.sendPresence({ selection: selected.length ? selected : [el.dataset.id] });
    });
  }

  canvasPoint(ev) {
    const point = this.page.space.toBoard(ev.clientX, ev.clientY);
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
      this.page.sync.presence(this.presenceState);
    } else if (!this.presenceTimer) {
      this.presenceTimer = setTimeout(() => {
        this.presenceTimer = null;
        this.lastPresence = Date.now();
        this.page.sync.presence(this.presenceState);
      }, due);
    }
  }

  pointerDown(down) {
    if (this.page.grouping.pointerDown(down)) return;
    const el = down.target.closest(".note");
    if (!el || this.page.refused("note.move") || down.button !== 0
      || down.target.closest("button, textarea")) return;
    const note = this.page.view.notes[el.dataset.id];
    if (!note) return;
    const id = note.id;
    const start = { x: note.x, y: note.y };
    let moved = false;
    el.setPointerCapture(down.pointerId);
    const zoom = this.page.space.scale; // screen pixels per board unit
    const move = (ev) => {
      const dx = (ev.clientX - down.clientX) / zoom;
      const dy = (ev.clientY - down.clientY) / zoom;
      if (!moved && Math.hypot(dx, dy) < 4) return;
      if (!moved) { moved = true; this.page.ui.dragging = id; this.page.render(); }
      el.style.left = `${start.x + dx}px`;
      el.style.top = `${start.y + dy}px`;
      this.trackCursor(ev);
    };
    const up = (ev) => {
      el.removeEventListener("pointermove", move);
      el.removeEventListener("pointerup", up);
      el.removeEventListener("pointercancel", up);
      if (!moved) return;
      this.page.ui.dragging = null;
      if (ev.type === "pointercancel") { this.page.render(); return; }
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
    this.page.grouping.send(this.dropped(id, x, y));
    this.page.render();
  }

  /** The commands that put note `id` at (x, y): its move, and its cluster change if its centre
   * lands in another cluster or out of its own (`skip`: notes moving with it, ignored). */
  dropped(id, x, y, skip = new Set([id])) {
    const note = this.page.view.notes[id];
    if (!note) return [];
    const commands = x !== note.x || y !== note.y ? [{ type: "note.move", note_id: id, x, y }] : [];
    // A hidden note joins a cluster once revealed; outside the clustering phases a
    // participant's note only moves.
    if (note.hidden || this.page.refused("note.cluster")) return commands;
    const height = this.page.renderer.notes.get(id)?.offsetHeight ?? NOTE_H;
    const rects = clusterRects(this.page.view, this.page.renderer.heights(), skip);
    const target = clusterAt(rects, x + NOTE_W / 2, y + height / 2);
    if (target !== (note.cluster_id ?? null)) {
      commands.push({ type: "note.cluster", note_id: id, cluster_id: target });
    }
    return commands;
  }

  deleteNote(id) {
    const note = this.page.view.notes[id];
    if (!note || !this.page.mayEdit(note)) return;
    const el = this.page.renderer.notes.get(id);
    const next = el && neighbour(el);
    this.page.command({ type: "note.delete", note_id: id });
    (next ?? $("viewport")).focus();
  }

  /** A nudged item comes to rest: recorded as one move (and at most one cluster change). */
  land(held) {
    this.page.render(); // the view without the nudge: what the server holds, plus what is pending
    if (held.kind === "note") this.drop(held.id, held.x, held.y);
    else this.page.grouping.land(held);
  }

  keyDown(ev) {
    if (this.page.grouping.keyDown(ev)) { ev.preventDefault(); return; }
    const el = ev.target.closest(".note");
    if (!el || ev.target !== el || this.page.refused("note.move")) return;
    const note = this.page.view.notes[el.dataset.id];
    if (!note) return;
    const step = arrowStep(ev);
    const nudged = this.page.nudge.holds("note", note.id);
    if (step) {
      this.page.nudge.by("note", note, ...step);
      this.page.render();
    } else if (nudged && (ev.key === "Enter" || ev.key === "Escape")) {
      if (ev.key === "Enter") this.page.nudge.settle();
      else { this.page.nudge.cancel(); this.page.render(); }
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
    const note = this.page.view.notes[id];
    const el = this.page.renderer.notes.get(id);
    if (!note || !el || this.page.ui.editing || !this.page.mayEdit(note)) return;
    this.page.ui.editing = id;
    const box = document.createElement("textarea");
    box.className = "edit";
    box.value = note.text;
    box.maxLength = 500;
    box.setAttribute("aria-label", "Edit note text (Enter saves, Escape cancels)");
    el.append(box);
    this.page.render();
    box.focus();
    box.select();
    this.sendPresence({ typing: id });
    let done = false;
    const finish = (save) => {
      if (done) return;
      done = true;
      const text = box.value.trim();
      box.remove();
      this.page.ui.editing = null;
      this.sendPresence({ typing: null });
      const current = this.page.view.notes[id];
      if (save && current && text && text !== current.text) {
        this.page.command({ type: "note.edit", note_id: id, text });
      }
      this.page.render();
      el.focus();
    };
    box.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); finish(true); }
      if (ev.key === "Escape") { ev.preventDefault(); finish(false); }
    });
    box.addEventListener("blur", () => finish(true));
  }
}
