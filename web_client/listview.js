// The board as a list: clusters in the order they sit on the canvas (top to bottom, then left
// to right), each with its notes, then the notes outside any cluster. It reads on a phone and
// with a screen reader; from it a participant edits and deletes their notes and puts dots.
// One element per cluster and note, updated in place, so focus survives live updates.
import { COLOURS } from "./board.js";
import { OUTCOME_LABELS, used } from "./facilitation.js";

const $ = (id) => document.getElementById(id);
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const shorten = (text, max = 40) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const LOOSE = ""; // the key of the group of notes outside any cluster

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(className, text) {
  const b = el("button", className, text);
  b.type = "button";
  return b;
}

/** Make `nodes` the children of `parent`, in order, leaving in place those already there. */
function inOrder(parent, nodes) {
  nodes.forEach((node, index) => {
    const there = parent.children[index] ?? null;
    if (there !== node) parent.insertBefore(node, there);
  });
}

/** Items in reading order: by y, then x, then id (so ties never flicker). */
const byPlace = (a, b) => a.y - b.y || a.x - b.x || (a.id < b.id ? -1 : 1);

export class ListView {
  /** host: as BoardViews' (send, mayEdit, vote). */
  constructor(host) {
    this.host = host;
    this.groups = new Map(); // cluster id (LOOSE: no cluster) → section
    this.notes = new Map(); // note id → li
    this.editing = null; // the note id whose text is being edited
  }

  wire() {
    $("list-body").addEventListener("click", (ev) => {
      const target = ev.target.closest("button");
      const item = target?.closest("[data-id]");
      if (!target || !item) return;
      if (target.classList.contains("vote-add")) this.host.vote(item.dataset.id, true);
      if (target.classList.contains("vote-remove")) this.host.vote(item.dataset.id, false);
      if (target.classList.contains("edit")) this.startEdit(item.dataset.id);
      if (target.classList.contains("delete")) this.remove(item.dataset.id);
    });
  }

  /** ui: {me: {id, role}, marks: itemMarks(…), names: Map id → name}. */
  render(view, ui) {
    this.view = view;
    this.ui = ui;
    const clusters = Object.values(view.clusters).sort(byPlace);
    const notes = Object.values(view.notes).sort(byPlace);
    const loose = notes.filter((n) => !view.clusters[n.cluster_id]);
    const groups = [...clusters.map((c) => [c.id, notes.filter((n) => n.cluster_id === c.id)])];
    if (loose.length) groups.push([LOOSE, loose]);
    for (const [id, members] of groups) {
      this.renderGroup(id, id === LOOSE ? null : view.clusters[id], members);
      for (const note of members) this.renderNote(note);
    }
    this.prune(new Set(groups.map(([id]) => id)), new Set(notes.map((n) => n.id)));
    this.arrange(groups);
    $("list-empty").hidden = notes.length > 0 || clusters.length > 0;
    this.renderDots(ui);
  }

  prune(groups, notes) {
    for (const [id, node] of this.groups) if (!groups.has(id)) { node.remove(); this.groups.delete(id); }
    for (const [id, node] of this.notes) if (!notes.has(id)) { node.remove(); this.notes.delete(id); }
  }

  /** Put groups and notes in order, moving only what is out of place: a moved node drops focus. */
  arrange(groups) {
    inOrder($("list-body"), groups.map(([id]) => this.groups.get(id)));
    for (const [id, members] of groups) {
      inOrder(this.groups.get(id).querySelector(".list-notes"), members.map((n) => this.notes.get(n.id)));
    }
  }

  renderGroup(id, cluster, members) {
    let section = this.groups.get(id);
    if (!section) {
      section = el("section", cluster ? "list-cluster" : "list-loose");
      const head = el("div", "list-head");
      const title = el("h3", "label");
      title.id = `list-group-${id || "loose"}`;
      section.setAttribute("aria-labelledby", title.id);
      head.append(title, el("span", "count"));
      if (cluster) {
        head.dataset.id = id;
        head.append(marksElement());
      }
      section.append(head, el("ul", "list-notes"));
      this.groups.set(id, section);
    }
    const label = cluster ? cluster.label : "Not in a cluster";
    const title = section.querySelector(".label");
    if (title.textContent !== label) title.textContent = label;
    section.querySelector(".count").textContent = plural(members.length, "note", "notes");
    if (cluster) renderMarks(section.querySelector(".list-head"), id, cluster.label, this.ui);
  }

  renderNote(note) {
    let item = this.notes.get(note.id);
    if (!item) {
      item = el("li", "list-note");
      item.dataset.id = note.id;
      const actions = el("div", "actions");
      actions.append(button("edit", "Edit"), button("delete", "Delete"));
      item.append(el("p", "text"), el("p", "meta"), marksElement(), actions);
      this.notes.set(note.id, item);
    }
    item.className = `list-note ${COLOURS.includes(note.colour) ? note.colour : "yellow"}`;
    item.classList.toggle("private", Boolean(note.hidden));
    if (this.editing !== note.id) {
      const text = item.querySelector(".text");
      if (text.textContent !== note.text) text.textContent = note.text;
    }
    const meta = [this.who(note), note.hidden ? "private until revealed" : "",
      note.origin?.group ? `from ${note.origin.group}` : ""].filter(Boolean).join(" · ");
    item.querySelector(".meta").textContent = meta;
    const short = shorten(note.text);
    const may = this.host.mayEdit(note);
    const edit = item.querySelector(".edit");
    const remove = item.querySelector(".delete");
    edit.hidden = !may || this.editing === note.id;
    remove.hidden = !may;
    edit.setAttribute("aria-label", `Edit note “${short}”`);
    remove.setAttribute("aria-label", `Delete note “${short}”`);
    renderMarks(item, note.id, note.text, this.ui);
  }

  /** Who wrote a note, as far as this view says: me, or someone here now by name. */
  who(note) {
    if (note.author === this.ui.me.id) return "You";
    return this.ui.names.get(note.author) ?? "";
  }

  renderDots(ui) {
    const line = $("list-dots");
    const ballot = ui.marks.ballot;
    line.hidden = !ballot?.canVote;
    if (!ballot?.canVote) return;
    const left = ballot.round.budget - used(ballot.round, ui.me.id);
    line.textContent = `Voting on ${ballot.round.target}: ${left} of ${ballot.round.budget} dots left`;
    line.dataset.left = String(left);
  }

  startEdit(id) {
    const note = this.view.notes[id];
    const item = this.notes.get(id);
    if (!note || !item || this.editing) return;
    this.editing = id;
    const form = el("form", "list-edit");
    const box = el("textarea");
    box.value = note.text;
    box.maxLength = 500;
    box.rows = 3;
    box.setAttribute("aria-label", "Note text (Enter saves, Escape cancels)");
    const save = el("button", "", "Save");
    save.type = "submit";
    const cancel = button("", "Cancel");
    form.append(box, save, cancel);
    item.querySelector(".text").after(form);
    item.querySelector(".text").hidden = true;
    item.querySelector(".edit").hidden = true;
    box.focus();
    const finish = (keep) => {
      const text = box.value.trim();
      form.remove();
      this.editing = null;
      item.querySelector(".text").hidden = false;
      const current = this.view.notes[id];
      if (keep && current && text && text !== current.text) {
        this.host.send({ type: "note.edit", note_id: id, text });
      }
      if (current) this.renderNote(current);
      (item.querySelector(".edit:not([hidden])") ?? item.querySelector(".text")).focus();
    };
    form.addEventListener("submit", (ev) => { ev.preventDefault(); finish(true); });
    cancel.addEventListener("click", () => finish(false));
    box.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); finish(true); }
      if (ev.key === "Escape") { ev.preventDefault(); finish(false); }
    });
  }

  remove(id) {
    const note = this.view.notes[id];
    if (!note || !this.host.mayEdit(note)) return;
    const item = this.notes.get(id);
    const next = item?.nextElementSibling ?? item?.previousElementSibling;
    this.host.send({ type: "note.delete", note_id: id });
    // Focus the neighbour (or the list) rather than lose it with the removed note.
    const shown = [...(next?.querySelectorAll("button") ?? [])].find((b) => b.offsetParent !== null);
    (shown ?? $("list-view")).focus();
  }
}

// --------------------------------------------------------------------------- dots and badges

/** An item's result, outcome and ballot: built once, updated in place (focus stays on a dot). */
function marksElement() {
  const marks = el("div", "list-marks");
  const ballot = el("div", "ballot");
  ballot.setAttribute("role", "group");
  const dots = el("span", "my-dots");
  ballot.append(el("span", "tally"), dots, button("vote-remove", "−"), button("vote-add", "+ dot"));
  marks.append(el("span", "badge result"), el("span", "badge outcome"), ballot);
  return marks;
}

function renderMarks(holder, itemId, title, ui) {
  const marks = holder.querySelector(".list-marks");
  const short = shorten(title);
  const { ballot, results, outcomes } = ui.marks;
  const placed = results.get(itemId);
  const result = marks.querySelector(".result");
  result.hidden = !placed;
  if (placed) result.textContent = `#${placed.rank} · ${plural(placed.votes, "dot", "dots")}`;
  const outcome = marks.querySelector(".outcome");
  const decided = outcomes.get(itemId);
  outcome.hidden = !decided;
  if (decided) {
    outcome.textContent = OUTCOME_LABELS[decided] ?? decided;
    outcome.dataset.outcome = decided;
  }
  const box = marks.querySelector(".ballot");
  const onBallot = Boolean(ballot?.round.item_ids.includes(itemId));
  box.hidden = !onBallot;
  if (!onBallot) return;
  const mine = ballot.mine[itemId] ?? 0;
  const total = ballot.round.tallies[itemId] ?? 0;
  box.dataset.mine = String(mine);
  box.setAttribute("aria-label", `Dots on “${short}”`);
  const tally = marks.querySelector(".tally");
  tally.hidden = !ballot.showTallies;
  tally.textContent = plural(total, "dot", "dots");
  const dots = marks.querySelector(".my-dots");
  dots.hidden = !mine;
  dots.textContent = `${plural(mine, "dot", "dots")} yours`;
  const add = marks.querySelector(".vote-add");
  const remove = marks.querySelector(".vote-remove");
  add.hidden = !ballot.canVote;
  remove.hidden = !ballot.canVote || !mine;
  add.setAttribute("aria-label", `Put a dot on “${short}”`);
  remove.setAttribute("aria-label", `Take a dot back from “${short}”`);
}
