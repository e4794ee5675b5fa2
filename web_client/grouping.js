// Grouping on the board page. Notes are selected by shift-click, Space, Ctrl+A or a lasso
// (a drag on the empty canvas) and moved, recoloured, clustered or deleted together, each
// time as one `notes.batch` (its events share one correlation id). A cluster's own editing is
// in cluster_edit.js; a cluster dragged by its head moves here, with the selection.
import { BATCH_MAX, clusterRects, COLOURS, NOTE_H, NOTE_W } from "./board.js";
import { uuidv7 } from "./ids.js";
import { ClusterEditor } from "./cluster_edit.js";
import { arrowStep } from "./keyboard.js";

const $ = (id) => document.getElementById(id);
const NEW_CLUSTER = "\u0000new"; // the cluster menu's "a new cluster", never a cluster id
const GAP = 12;

export class Grouping {
  constructor(page) {
    this.page = page;
    this.selected = new Set(); // note ids
    this.clusters = new ClusterEditor(page, (commands) => this.send(commands));
  }

  get view() { return this.page.view; }

  wire() {
    $("selection-colour").replaceChildren(...COLOURS.map((c) => new Option(c, c)));
    $("selection-recolour").addEventListener("click", () => this.recolour($("selection-colour").value));
    $("selection-group").addEventListener("click", () => this.cluster($("selection-cluster").value));
    $("selection-delete").addEventListener("click", () => this.deleteSelected());
    $("selection-clear").addEventListener("click", () => this.select([]));
    this.clusters.wire();
  }

  // ------------------------------------------------------------ what is shown

  render(view) {
    for (const id of this.selected) if (!view.notes[id]) this.selected.delete(id);
    for (const [id, el] of this.page.renderer.notes) {
      const on = this.selected.has(id);
      el.classList.toggle("selected", on);
      if (on) el.setAttribute("aria-label", `${el.getAttribute("aria-label")} (selected)`);
    }
    this.clusters.render(view);
    this.renderBar(view);
  }

  renderBar(view) {
    const bar = $("selection-bar");
    const count = this.selected.size;
    bar.hidden = !count || this.page.readOnly;
    if (bar.hidden) return;
    const tooMany = count > BATCH_MAX;
    $("selection-count").textContent = `${count} ${count === 1 ? "note" : "notes"} selected`
      + (tooMany ? ` (act on at most ${BATCH_MAX} at once)` : "");
    const notes = [...this.selected].map((id) => view.notes[id]);
    const mine = notes.every((n) => this.page.mayEdit(n));
    for (const id of ["selection-recolour", "selection-delete"]) {
      $(id).disabled = !mine || tooMany;
      $(id).title = mine ? "" : "Only a note's author or a facilitator may recolour or delete it";
    }
    const menu = $("selection-cluster");
    const chosen = menu.value;
    const options = Object.values(view.clusters).map((c) => new Option(`Into “${c.label}”`, c.id));
    menu.replaceChildren(new Option("Into a new cluster", NEW_CLUSTER), ...options,
      new Option("Out of any cluster", ""));
    if ([...menu.options].some((o) => o.value === chosen)) menu.value = chosen;
    $("selection-group").disabled = Boolean(this.page.refused("note.cluster")) || tooMany;
  }

  select(ids) {
    this.selected = new Set(ids);
    this.changed();
  }

  toggle(id) {
    if (this.selected.has(id)) this.selected.delete(id);
    else this.selected.add(id);
    this.changed();
  }

  changed() {
    const selection = [...this.selected].slice(0, 50); // presence holds 50
    this.page.input.sendPresence({ selection });
    this.page.scheduleRender();
  }

  // ------------------------------------------------------------ acting on the selection

  /** Send `commands` as one command: a batch when there is more than one. */
  send(commands) {
    if (commands.length > 1) this.page.command({ type: "notes.batch", commands });
    else if (commands.length) this.page.command(commands[0]);
  }

  recolour(colour) {
    this.send([...this.selected].filter((id) => this.view.notes[id]?.colour !== colour)
      .map((id) => ({ type: "note.recolour", note_id: id, colour })));
  }

  deleteSelected() {
    const ids = [...this.selected];
    this.send(ids.map((id) => ({ type: "note.delete", note_id: id })));
    this.select([]);
    $("viewport").focus();
  }

  /** Put the selection in cluster `target` (laid out below its notes), a new cluster, or none. */
  cluster(target) {
    const notes = [...this.selected].map((id) => this.view.notes[id]).filter(Boolean);
    if (!notes.length) return;
    const commands = [];
    let into = target;
    if (target === NEW_CLUSTER) {
      into = uuidv7();
      const x = Math.min(...notes.map((n) => n.x)) - 16;
      const y = Math.min(...notes.map((n) => n.y)) - 44;
      const label = $("cluster-label").value.trim() || "New cluster";
      commands.push({ type: "cluster.create", cluster_id: into, label, x, y });
    } else if (into) {
      const r = clusterRects(this.view, this.page.renderer.heights(), this.selected).get(into);
      notes.forEach((n, i) => {
        const x = r.x0 + 16 + (i % 3) * (NOTE_W + GAP);
        const y = r.y1 + GAP + Math.floor(i / 3) * (NOTE_H + GAP);
        commands.push({ type: "note.move", note_id: n.id, x, y });
      });
    }
    for (const n of notes) {
      if ((n.cluster_id ?? "") !== (into ?? "")) {
        commands.push({ type: "note.cluster", note_id: n.id, cluster_id: into || null });
      }
    }
    this.send(commands);
  }

  /** A moved selection or cluster comes to rest (held: see keyboard.js `Nudge`). */
  land(held) {
    if (held.kind === "selection") {
      const skip = new Set(held.ids);
      this.send(held.ids.flatMap((id) => {
        const n = this.view.notes[id];
        return n ? this.page.input.dropped(id, n.x + held.x, n.y + held.y, skip) : [];
      }));
    } else if (held.kind === "cluster") {
      this.clusters.moveCluster(held.id, held.x, held.y);
    }
    this.page.render();
  }

  // ------------------------------------------------------------ keyboard

  /** Handle a key on the canvas; true if it was grouping's (the caller prevents its default). */
  keyDown(ev) {
    if (this.page.readOnly || ev.target.closest("form, textarea")) return false;
    if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === "a") {
      this.select(Object.keys(this.view.notes));
      return true;
    }
    const cluster = ev.target.matches(".cluster") ? ev.target.dataset.id : null;
    if (cluster) return this.clusters.keyDown(ev, cluster);
    const note = ev.target.matches(".note") ? ev.target.dataset.id : null;
    if (!note) return false;
    if (ev.key === " ") { this.toggle(note); return true; }
    const nudge = this.page.nudge;
    if (nudge.holds("selection", "selection") && (ev.key === "Enter" || ev.key === "Escape")) {
      if (ev.key === "Enter") nudge.settle();
      else { nudge.cancel(); this.page.render(); }
      return true;
    }
    if (ev.key === "Escape" && this.selected.size && !nudge.held) { this.select([]); return true; }
    if (!this.selected.has(note) || this.selected.size < 2) return false;
    const step = arrowStep(ev);
    if (step && !this.page.refused("note.move")) {
      nudge.by("selection", { id: "selection", x: 0, y: 0 }, ...step, [...this.selected]);
      this.page.render();
      return true;
    }
    if (ev.key === "Delete" || ev.key === "Backspace") { this.deleteSelected(); return true; }
    return false;
  }

  // ------------------------------------------------------------ mouse

  /** Handle a press on the canvas; true if it was grouping's. */
  pointerDown(down) {
    if (this.page.readOnly || down.button !== 0) return false;
    const note = down.target.closest(".note");
    if (note && down.shiftKey && !down.target.closest("button, textarea")) {
      this.toggle(note.dataset.id);
      return true;
    }
    if (note) {
      if (this.selected.size > 1 && this.selected.has(note.dataset.id)) return this.drag(down);
      if (!this.selected.has(note.dataset.id)) this.select([]);
      return false;
    }
    if (down.target.closest("button, input, select, form")) return false;
    const head = down.target.closest(".cluster .head");
    if (head) return this.drag(down, head.closest(".cluster").dataset.id);
    if (down.target === $("canvas") || down.target.matches(".cluster")) return this.lasso(down);
    return false;
  }

  /** Drag the selection (or cluster `clusterId` with its notes) with the mouse. */
  drag(down, clusterId = null) {
    if (this.page.refused(clusterId ? "cluster.move" : "note.move")) return false;
    const nudge = this.page.nudge;
    const from = clusterId ? this.view.clusters[clusterId] : { x: 0, y: 0 };
    const ids = [...this.selected];
    const target = down.target;
    target.setPointerCapture(down.pointerId);
    let moved = false;
    const zoom = this.page.space?.scale ?? 1; // screen pixels per board unit
    const move = (ev) => {
      const dx = (ev.clientX - down.clientX) / zoom;
      const dy = (ev.clientY - down.clientY) / zoom;
      if (!moved && Math.hypot(dx, dy) < 4) return;
      moved = true;
      nudge.hold(clusterId ? "cluster" : "selection", clusterId ?? "selection",
        Math.round(from.x + dx), Math.round(from.y + dy), ids);
      this.page.scheduleRender();
    };
    const up = (ev) => {
      target.removeEventListener("pointermove", move);
      target.removeEventListener("pointerup", up);
      target.removeEventListener("pointercancel", up);
      if (!moved) { if (clusterId) this.page.renderer.clusters.get(clusterId)?.focus(); return; }
      if (ev.type === "pointercancel") { nudge.cancel(); this.page.render(); } else nudge.settle();
    };
    target.addEventListener("pointermove", move);
    target.addEventListener("pointerup", up);
    target.addEventListener("pointercancel", up);
    return true;
  }

  /** A rectangle dragged on the empty canvas selects the notes it touches (Shift: adds them). */
  lasso(down) {
    const canvas = $("canvas");
    const start = this.page.input.canvasPoint(down);
    const box = document.createElement("div");
    box.className = "lasso";
    box.setAttribute("aria-hidden", "true");
    const keep = down.shiftKey ? [...this.selected] : [];
    let rect = null;
    canvas.setPointerCapture(down.pointerId);
    const move = (ev) => {
      const p = this.page.input.canvasPoint(ev);
      rect = { x0: Math.min(start.x, p.x), y0: Math.min(start.y, p.y),
        x1: Math.max(start.x, p.x), y1: Math.max(start.y, p.y) };
      if (!box.isConnected) canvas.append(box);
      Object.assign(box.style, { left: `${rect.x0}px`, top: `${rect.y0}px`,
        width: `${rect.x1 - rect.x0}px`, height: `${rect.y1 - rect.y0}px` });
    };
    const up = () => {
      canvas.removeEventListener("pointermove", move);
      canvas.removeEventListener("pointerup", up);
      canvas.removeEventListener("pointercancel", up);
      box.remove();
      const heights = this.page.renderer.heights();
      const inside = rect ? Object.values(this.view.notes).filter((n) => n.x < rect.x1
        && n.x + NOTE_W > rect.x0 && n.y < rect.y1 && n.y + (heights.get(n.id) ?? NOTE_H) > rect.y0) : [];
      this.select([...keep, ...inside.map((n) => n.id)]);
    };
    canvas.addEventListener("pointermove", move);
    canvas.addEventListener("pointerup", up);
    canvas.addEventListener("pointercancel", up);
    return true;
  }
}
