// Promotion on the plenary board (facilitators): each breakout board's clusters and loose notes
// as checkboxes, what a group selected ticked already, and one `items.promote` per group with
// ticked items. The service decides where the copies go (docs/api.md, "Decisions and
// promotion"): they arrive side by side, each showing its group.
import { box, el, plural, shorten } from "./dom.js";
import { uuidv7 } from "./ids.js";

const $ = (id) => document.getElementById(id);

export class PromotePanel {
  /** `api`: the HTTP client; `command(command)` sends a board command (its op_id or null). */
  constructor(api, command) {
    this.api = api;
    this.command = command;
    this.view = null;
  }

  wire() {
    $("promote-load").addEventListener("click", () => this.load());
    $("promote-form").addEventListener("submit", (ev) => this.submit(ev));
  }

  /** Shown to a facilitator on a plenary board only. */
  render(view, me) {
    this.view = view;
    $("promote-panel").hidden = !(me.role === "facilitator" && view.kind === "plenary");
  }

  async load() {
    const status = $("promote-status");
    status.textContent = "Loading the groups' boards…";
    try {
      const workshop = await this.api.workshop(this.view.workshop_id);
      const breakouts = workshop.boards.filter((b) => b.kind === "breakout");
      const boards = await Promise.all(breakouts.map((b) => this.api.board(b.id)));
      $("promote-groups").replaceChildren(...boards.map((b) => this.group(b)));
      $("promote-form").hidden = !boards.length;
      $("promote-load").textContent = "Refresh the groups' items";
      status.textContent = boards.length ? "" : "This workshop has no breakout board yet.";
    } catch (error) {
      status.textContent = `The groups' boards cannot be read: ${error.message}`;
    }
  }

  /** One group's fieldset: its clusters, then its loose revealed notes. */
  group(source) {
    const chosen = new Map(source.decisions.map((d) => [d.item_id, d.outcome]));
    const here = new Set([...Object.values(this.view.notes), ...Object.values(this.view.clusters)]
      .filter((i) => i.origin?.board_id === source.id).map((i) => i.origin.item_id));
    const fieldset = box("fieldset", "", el("legend", "", source.title));
    fieldset.dataset.board = source.id;
    const notes = Object.values(source.notes).filter((n) => !n.hidden);
    const count = (cid) => notes.filter((n) => n.cluster_id === cid).length;
    const items = [
      ...Object.values(source.clusters).map((c) => ({ id: c.id, kind: "cluster",
        text: `${c.label} (${plural(count(c.id), "note", "notes")})` })),
      ...notes.filter((n) => !n.cluster_id || !source.clusters[n.cluster_id])
        .map((n) => ({ id: n.id, kind: "note", text: shorten(n.text, 60) })),
    ];
    for (const item of items) {
      const input = el("input");
      input.type = "checkbox";
      input.value = item.id;
      input.dataset.kind = item.kind;
      input.checked = chosen.get(item.id) === "select" && !here.has(item.id);
      const label = box("label", "check", input,
        el("span", "", `${item.kind === "cluster" ? "Cluster" : "Note"}: ${item.text}`));
      if (chosen.get(item.id) === "select") label.append(el("span", "chosen", " selected"));
      if (here.has(item.id)) label.append(el("span", "already", " already here"));
      fieldset.append(label);
    }
    if (!items.length) fieldset.append(el("p", "hint", "No clusters or revealed notes yet."));
    return fieldset;
  }

  /** One promotion per group with ticked items. */
  submit(ev) {
    ev.preventDefault();
    let groups = 0;
    let total = 0;
    for (const fieldset of $("promote-groups").querySelectorAll("fieldset")) {
      const ticked = [...fieldset.querySelectorAll("input:checked")];
      if (!ticked.length) continue;
      const ids = (kind) => ticked.filter((i) => i.dataset.kind === kind).map((i) => i.value);
      const sent = this.command({ type: "items.promote", promotion_id: uuidv7(),
        source_board_id: fieldset.dataset.board, cluster_ids: ids("cluster"), note_ids: ids("note") });
      if (!sent) continue;
      groups += 1;
      total += ticked.length;
      for (const input of ticked) input.checked = false;
    }
    $("promote-status").textContent = groups
      ? `Bringing in ${plural(total, "item", "items")} from ${plural(groups, "group", "groups")}.`
      : "Tick at least one cluster or note first.";
  }
}
