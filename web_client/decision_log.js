// The decision log of the board page (part of the facilitation, panels.js): each decision with
// its outcome, rationale and evidence (the vote, the grid, the notes), its links (trace, replay,
// solution track) and its action items; and the facilitator's form that records one.
import { box, el, filled, plural, shorten, timeEl } from "./dom.js";
import { OUTCOME_LABELS, roundNumber } from "./facilitation.js";
import { uuidv7 } from "./ids.js";

const $ = (id) => document.getElementById(id);

export class DecisionLog {
  /** `command` and `links` as `Panels` takes them. */
  constructor(command, links) {
    this.command = command;
    this.links = links;
    this.host = false;
    this.keys = {}; // what each rebuilt list was last built from
    this.draft = null; // {opId, rationale} of a decision sent and not yet settled
  }

  /** The form is wired for a facilitator on a live page (`host`). */
  start(host) {
    this.host = host;
    if (host) this.wire();
  }

  wire() {
    $("decision-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const rationale = filled($("decision-rationale"));
      const itemId = $("decision-item").value;
      if (!rationale || !itemId) return;
      const opId = this.command({ type: "decision.record", decision_id: uuidv7(), item_id: itemId,
        outcome: $("decision-outcome").value, rationale });
      if (opId) {
        this.draft = { opId, rationale };
        $("decision-rationale").value = "";
      }
    });
  }

  /** A command was refused: give a decision's rationale back to the form. */
  rejected(opId) {
    if (this.draft?.opId === opId && !$("decision-rationale").value) {
      $("decision-rationale").value = this.draft.rationale;
    }
    if (this.draft?.opId === opId) this.draft = null;
  }

  render(view) {
    if (this.host) this.renderForm(view);
    const key = JSON.stringify([view.decisions, Object.keys(view.rounds), view.workshop_id,
      view.discussion?.actions]);
    if (this.keys.decisions === key) return;
    this.keys.decisions = key;
    const entries = view.decisions.map((d) => {
      const item = el("li", "decision");
      item.dataset.outcome = d.outcome;
      item.dataset.item = d.item_id;
      const head = el("h3", "decision-head");
      head.append(el("span", `badge outcome`, OUTCOME_LABELS[d.outcome] ?? d.outcome),
        el("span", "item-title", d.title));
      head.lastChild.title = d.item_kind === "clusters" ? "Cluster" : "Note";
      item.append(head, el("p", "rationale", d.rationale));
      item.append(this.evidence(view, d.evidence));
      item.append(box("p", "meta", `v${d.version} · `, timeEl(d.decided_at, "clock")));
      item.append(this.decisionLinks(d));
      if (this.links.actions) item.append(this.links.actions(d, view));
      return item;
    });
    $("decisions").replaceChildren(...entries);
    if (!entries.length) $("decisions").append(el("li", "empty", "No decisions yet."));
  }

  /** Where to read more: the decision's trace, and its solution track once it has one. */
  decisionLinks(d) {
    const links = el("p", "decision-links");
    const short = shorten(d.title, 40);
    const trace = el("a", "", "Trace");
    trace.href = this.links.trace(d);
    trace.setAttribute("aria-label", `Trace of the decision on “${short}”`);
    links.append(trace);
    if (this.links.replay) {
      const replay = el("a", "", "Replay");
      replay.href = this.links.replay(d);
      replay.setAttribute("aria-label", `Replay the board up to the decision on “${short}”`);
      links.append(" · ", replay);
    }
    if (d.track_id) {
      const track = el("a", "", "Solution track");
      track.href = this.links.track(d.track_id);
      track.setAttribute("aria-label", `Solution track of “${short}”`);
      links.append(" · ", track);
    }
    return links;
  }

  evidence(view, ev) {
    const list = el("dl", "evidence");
    const add = (term, detail) => { list.append(el("dt", "", term), detail); };
    if (ev.round_id) {
      const n = roundNumber(view, ev.round_id);
      add("Vote", el("dd", "", `${n ? `Round ${n}` : "A round"}: ${plural(ev.votes, "dot", "dots")}, `
        + `rank ${ev.rank} of ${ev.ballot_size}`));
    } else {
      add("Vote", el("dd", "muted", "No closed round had it on the ballot"));
    }
    if (ev.grid) add("Grid", el("dd", "", `impact ${ev.grid.impact} · effort ${ev.grid.effort}`));
    if (ev.notes?.length) {
      const notes = el("dd", "");
      const ul = el("ul", "evidence-notes");
      for (const n of ev.notes) ul.append(el("li", "", shorten(n.text, 80)));
      notes.append(ul);
      add(ev.notes.length === 1 ? "Note" : `Notes (${ev.notes.length})`, notes);
    }
    add("At", el("dd", "", `board version ${ev.board_version}`));
    return list;
  }

  renderForm(view) {
    const select = $("decision-item");
    const clusters = Object.values(view.clusters);
    const notes = Object.values(view.notes).filter((n) => !n.hidden);
    const key = JSON.stringify([clusters.map((c) => [c.id, c.label]), notes.map((n) => [n.id, n.text])]);
    if (this.keys.decisionItems !== key) {
      this.keys.decisionItems = key;
      const chosen = select.value;
      const group = (label, items, text) => {
        const g = document.createElement("optgroup");
        g.label = label;
        g.append(...items.map((i) => new Option(shorten(text(i), 50), i.id)));
        return g;
      };
      const groups = [];
      if (clusters.length) groups.push(group("Clusters", clusters, (c) => c.label));
      if (notes.length) groups.push(group("Notes", notes, (n) => n.text));
      select.replaceChildren(...groups);
      if (chosen && [...select.options].some((o) => o.value === chosen)) select.value = chosen;
    }
    const open = ["discuss", "decide"].includes(view.phase);
    $("decision-form").hidden = !open;
    $("decision-hint").hidden = open;
    $("decision-form").querySelector("button[type=submit]").disabled = !select.options.length;
  }
}
