// Facilitation around the canvas: the phase stepper, the timer, the board's modes and their
// banners, the dot-voting panel and the decision log. Everyone sees the state; the controls
// (`.host-only`) are shown to facilitators only. Static structure lives in index.html; this
// module updates it in place so focus and half-typed input survive live updates.
import {
  blindRound, clock, itemTitle, mayVote, OUTCOME_LABELS, PHASE_LABELS, PHASES, openRound, ranked,
  roundNumber, secondsLeft, used,
} from "./facilitation.js";
import { uuidv7 } from "./ids.js";
import { Chime } from "./chime.js";
import { renderSetup } from "./setup.js";

const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const shorten = (text, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const timeOf = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

function minutes(seconds) {
  return seconds % 60 ? plural(seconds, "second", "seconds")
    : plural(seconds / 60, "minute", "minutes");
}

/** A sentence for screen readers about a live event, or null if it needs none. */
export function describe(recorded, view) {
  const data = recorded.data ?? {};
  switch (recorded.type) {
    case "phase.changed": return `Phase: ${PHASE_LABELS[data.phase] ?? data.phase}.`;
    case "timer.started": return `Timer started: ${minutes(data.seconds)}.`;
    case "timer.extended": return `Timer extended by ${minutes(data.seconds)}.`;
    case "timer.stopped": return "Timer stopped.";
    case "private_writing.started": return "Private writing started: notes stay private until revealed.";
    case "notes.revealed": return `Notes revealed: ${plural(data.notes?.length ?? 0, "note", "notes")}.`;
    case "board.locked": return "The board is locked.";
    case "board.unlocked": return "The board is unlocked.";
    case "board.configured":
      return data.prompt ? `The board asks: ${data.prompt}` : "The board's setup changed.";
    case "anonymity.set":
      return data.policy === "pseudonymous" ? "People are now shown by pseudonym." : "Names are now shown.";
    case "vote.opened": return `Vote round opened: ${plural(data.budget, "dot", "dots")} each.`;
    case "vote.closed": return `Vote round ${roundNumber(view, data.round_id)} closed: results are in.`;
    case "decision.recorded":
      return `Decision: ${data.title} — ${OUTCOME_LABELS[data.outcome] ?? data.outcome}.`;
    default: return null;
  }
}

export class Panels {
  /** `command(command)` sends a board command and returns its op_id (null if not sent);
   * `links` ({trace(decision), track(trackId)}) give the addresses a decision links to;
   * `links.actions(decision, view)`, if given, its action items to show under it. */
  constructor(command, links) {
    this.command = command;
    this.links = links;
    this.chime = new Chime();
    this.view = null;
    this.me = null;
    this.now = () => Date.now();
    this.keys = {}; // what each rebuilt list was last built from
    this.draft = null; // {opId, rationale} of a decision sent and not yet settled
    this.lastLeft = null; // seconds left at the previous tick (null: no timer seen running)
    this.ticker = null;
  }

  /** Show the controls `me` may use and wire them; `now()` is server time in ms. With
   * `live: false` (the replay) nothing is wired: no controls, no chime, state only. */
  start(me, now, { live = true } = {}) {
    this.me = me;
    this.now = now;
    this.live = live;
    this.host = live && me.role === "facilitator";
    if (live) this.chime.listen();
    const host = this.host;
    for (const node of document.querySelectorAll(".host-only")) node.hidden = !host;
    $("timer-dismiss").addEventListener("click", () => { $("banner-timer").hidden = true; });
    $("phases").replaceChildren(...PHASES.map((phase, index) => {
      const item = el("li", "step");
      item.dataset.phase = phase;
      const step = el(host ? "button" : "span", "step-button");
      if (host) {
        step.type = "button";
        step.addEventListener("click", () => this.changePhase(phase));
      }
      const num = el("span", "num", String(index + 1));
      num.setAttribute("aria-hidden", "true");
      // The name people hear holds the text they see ("Vote"), so voice control finds it.
      const before = el("span", "visually-hidden before", host ? "Move to the " : "");
      const after = el("span", "visually-hidden after", " phase");
      step.append(num, before, el("span", "name", PHASE_LABELS[phase]), after);
      item.append(step);
      return item;
    }));
    if (host) this.wire();
  }

  wire() {
    $("timer-start").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const seconds = Math.round(Number($("timer-minutes").value) * 60
        + Number($("timer-seconds").value));
      if (!(seconds > 0)) return;
      this.command({ type: "timer.start", seconds, label: $("timer-label").value.trim() });
    });
    $("timer-extend").addEventListener("click", () => this.command({ type: "timer.extend", seconds: 60 }));
    $("timer-stop").addEventListener("click", () => this.command({ type: "timer.stop" }));
    $("private-toggle").addEventListener("click", () => {
      this.command({ type: this.view.private_writing ? "notes.reveal" : "private.start" });
    });
    $("lock-toggle").addEventListener("click", () => {
      this.command({ type: this.view.locked ? "board.unlock" : "board.lock" });
    });
    $("anonymity").addEventListener("change", (ev) => this.askAnonymity(ev.target.value));
    $("pseudonym-cancel").addEventListener("click", () => $("pseudonym-dialog").close("cancel"));
    $("pseudonym-confirm").addEventListener("click", () => $("pseudonym-dialog").close("confirm"));
    $("pseudonym-dialog").addEventListener("close", () => {
      const dialog = $("pseudonym-dialog");
      if (dialog.returnValue === "confirm") {
        this.command({ type: "anonymity.set", policy: "pseudonymous" });
      } else {
        $("anonymity").value = this.view.anonymity; // cancelled (or Escape): nothing changes
      }
      $("anonymity").focus();
    });
    $("vote-open").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.command({
        type: "vote.open", round_id: uuidv7(), target: $("vote-target").value,
        budget: Number($("vote-budget").value), per_item_max: Number($("vote-per-item").value),
        hide_tallies: $("vote-hide").checked, facilitators_vote: $("vote-facilitators").checked,
      });
    });
    $("vote-close").addEventListener("click", () => {
      const round = openRound(this.view);
      if (round) this.command({ type: "vote.close", round_id: round.id });
    });
    $("decision-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const rationale = $("decision-rationale").value.trim();
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

  /** Names shown again at once; pseudonyms only once the facilitator confirms. */
  askAnonymity(policy) {
    if (policy === this.view.anonymity) return;
    if (policy !== "pseudonymous") {
      this.command({ type: "anonymity.set", policy });
      return;
    }
    const dialog = $("pseudonym-dialog");
    dialog.returnValue = "";
    dialog.showModal();
    $("pseudonym-cancel").focus();
  }

  changePhase(phase) {
    if (this.view && this.view.phase !== phase) this.command({ type: "phase.change", phase });
  }

  /** A command was refused: give a decision's rationale back to the form. */
  rejected(opId) {
    if (this.draft?.opId === opId && !$("decision-rationale").value) {
      $("decision-rationale").value = this.draft.rationale;
    }
    if (this.draft?.opId === opId) this.draft = null;
  }

  announce(text) {
    const region = $("announce");
    // Clear, then set in a new task: screen readers announce a change, even of the same text.
    region.textContent = "";
    setTimeout(() => { region.textContent = text; }, 30);
  }

  // ------------------------------------------------------------ rendering

  /** view: the shown view; self: the id that stands for me in it. */
  render(view, self) {
    this.view = view;
    this.self = self;
    this.renderPhase(view);
    renderSetup(view);
    this.renderModes(view);
    this.tick();
    this.renderVoting(view, self);
    this.renderDecisions(view);
  }

  renderPhase(view) {
    const current = PHASES.indexOf(view.phase);
    for (const item of $("phases").children) {
      const index = PHASES.indexOf(item.dataset.phase);
      item.classList.toggle("done", index < current);
      item.classList.toggle("current", index === current);
      const step = item.firstChild;
      if (index === current) step.setAttribute("aria-current", "step");
      else step.removeAttribute("aria-current");
      if (step.tagName === "BUTTON") {
        step.querySelector(".before").textContent = index === current ? "" : "Move to the ";
        step.querySelector(".after").textContent = index === current ? " (current phase)" : " phase";
      }
    }
    $("facilitation").dataset.phase = view.phase;
  }

  renderModes(view) {
    const host = this.me.role === "facilitator";
    $("private-toggle").textContent = view.private_writing ? "Reveal notes" : "Start private writing";
    $("lock-toggle").textContent = view.locked ? "Unlock board" : "Lock board";
    $("anonymity").value = view.anonymity;
    const chips = [];
    if (view.locked) chips.push(["locked", "Locked"]);
    if (view.private_writing) chips.push(["private", "Private writing"]);
    if (view.anonymity === "pseudonymous") chips.push(["pseudonymous", "Pseudonyms"]);
    const key = chips.map((c) => c[0]).join();
    if (this.keys.chips !== key) {
      this.keys.chips = key;
      $("chips").replaceChildren(...chips.map(([kind, text]) => {
        const chip = el("span", `chip ${kind}`, text);
        return chip;
      }));
    }
    const locked = $("banner-locked");
    locked.hidden = !view.locked;
    locked.textContent = host
      ? "The board is locked: participants can look but not change anything until you unlock it."
      : "The board is locked by the facilitator: you can look, but not change anything.";
    const secret = $("banner-private");
    secret.hidden = !view.private_writing;
    secret.textContent = {
      facilitator: "Private writing is on: participants' notes stay hidden, from you too, until you reveal them.",
      participant: "Private writing: Your notes are private until the facilitator reveals them.",
    }[this.me.role] ?? "Private writing is on: notes appear when the facilitator reveals them.";
  }

  /** Redraw the countdown (called every half second while a timer runs). */
  tick() {
    const timer = this.view?.timer ?? null;
    const box = $("timer");
    const host = this.host;
    $("timer-extend").hidden = !host || !timer;
    $("timer-stop").hidden = !host || !timer;
    const shown = $("timer-label-shown");
    shown.hidden = !timer?.label;
    if (shown.textContent !== (timer?.label ?? "")) shown.textContent = timer?.label ?? "";
    if (!timer) {
      box.textContent = "No timer";
      box.dataset.state = "idle";
      box.setAttribute("aria-label", "Time left");
      box.removeAttribute("title");
      $("banner-timer").hidden = true;
      clearInterval(this.ticker);
      this.ticker = null;
      this.lastLeft = null;
      return;
    }
    if (!this.ticker) this.ticker = setInterval(() => this.tick(), 500);
    const left = secondsLeft(timer, this.now());
    const text = left > 0 ? clock(left) : "Time’s up";
    if (box.textContent !== text) box.textContent = text;
    box.dataset.state = left > 0 ? (left <= 30 ? "ending" : "running") : "done";
    box.setAttribute("aria-label", timer.label ? `Time left: ${timer.label}` : "Time left");
    box.title = timer.label || `${minutes(timer.seconds)} in all`;
    if (left > 0) $("banner-timer").hidden = true;
    // Alerts when it runs out here, not on opening a board whose timer ended long ago.
    if (left === 0 && this.lastLeft > 0) this.timeUp(timer);
    this.lastLeft = left;
  }

  /** The timer ran out while this page watched: a banner (role=alert) and a chime. */
  timeUp(timer) {
    const banner = $("banner-timer");
    banner.querySelector(".message").textContent = timer.label
      ? `Time’s up: ${timer.label}` : "Time’s up.";
    banner.hidden = false;
    if (this.live) this.chime.ring();
  }

  renderVoting(view, self) {
    const host = this.host;
    const round = openRound(view);
    const status = $("vote-status");
    if (round) {
      const n = roundNumber(view, round.id);
      status.textContent = `Round ${n} is open on ${round.target}: ${plural(round.budget, "dot", "dots")}`
        + ` each, at most ${round.per_item_max} on one.`
        + (round.hide_tallies ? " Tallies stay hidden until it closes." : "");
    } else {
      status.textContent = "No round is open.";
    }
    const left = $("dots-left");
    const voting = mayVote(view, round, this.me);
    left.hidden = !voting;
    if (voting) {
      const n = round.budget - used(round, self);
      left.textContent = `${n} of ${round.budget} dots left`;
      left.dataset.left = String(n);
    }
    if (host) {
      // The form shows where it can work: in the vote phase, with no round open.
      $("vote-open").hidden = Boolean(round) || view.phase !== "vote";
      $("vote-close").hidden = !round;
      $("vote-open-hint").hidden = view.phase === "vote";
    }
    this.renderRounds(view, self);
  }

  renderRounds(view, self) {
    const rounds = Object.values(view.rounds);
    const titles = rounds.flatMap((r) => r.item_ids.map((id) => itemTitle(view, id)));
    const blind = blindRound(view);
    const key = JSON.stringify([rounds, titles, self, blind]);
    if (this.keys.rounds === key) return;
    this.keys.rounds = key;
    const items = rounds.map((round, index) => {
      const item = el("li", `round ${round.open ? "open" : "closed"}`);
      item.dataset.round = round.id;
      const head = el("h3", "round-head", `Round ${index + 1} · ${round.target}`);
      head.append(el("span", `state ${round.open ? "open" : "closed"}`, round.open ? "open" : "closed"));
      item.append(head);
      const mine = round.votes[self] ?? {};
      let rows;
      if (!round.open && blind) {
        item.append(el("p", "meta", "Its results are set aside while the open round hides its tallies."));
        rows = [];
      } else if (!round.open) {
        rows = ranked(round);
        item.append(el("p", "meta", `${plural(round.voters, "voter", "voters")} · closed ${timeOf(round.closed_at)}`));
      } else if (!round.hide_tallies) {
        rows = ranked({ results: round.item_ids.map((id) => ({ item_id: id, votes: round.tallies[id] ?? 0 }))
          .sort((a, b) => b.votes - a.votes || (a.item_id < b.item_id ? -1 : 1)) });
      } else {
        item.append(el("p", "meta", "Tallies are hidden until the round closes."));
        rows = round.item_ids.filter((id) => mine[id]).map((id) => ({ item_id: id, votes: null }));
      }
      const list = el("ol", "results");
      list.setAttribute("aria-label", `Round ${index + 1} ${round.open ? "tallies" : "results"}`);
      for (const row of rows) {
        const li = el("li", "result");
        li.dataset.item = row.item_id;
        if (row.rank !== undefined) li.append(el("span", "rank", `#${row.rank}`));
        li.append(el("span", "item-title", shorten(itemTitle(view, row.item_id))));
        if (row.votes !== null) li.append(el("span", "votes", plural(row.votes, "dot", "dots")));
        if (mine[row.item_id]) li.append(el("span", "yours", `${mine[row.item_id]} yours`));
        list.append(li);
      }
      if (rows.length) item.append(list);
      return item;
    });
    $("rounds").replaceChildren(...items.reverse()); // the newest round first
  }

  renderDecisions(view) {
    if (this.host) this.renderDecisionForm(view);
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
      item.append(el("p", "meta", `v${d.version} · ${timeOf(d.decided_at)}`));
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

  renderDecisionForm(view) {
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
