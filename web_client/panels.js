// Facilitation around the canvas: the phase stepper, the timer, the board's modes and their
// banners, with the dot-voting panel (voting_panel.js) and the decision log (decision_log.js).
// Everyone sees the state; the controls (`.host-only`) are shown to facilitators only. Static
// structure lives in index.html; these modules update it in place so focus and half-typed input
// survive live updates.
import { DecisionLog } from "./decision_log.js";
import { el, focusWithin, plural, refocus } from "./dom.js";
import {
  clock, OUTCOME_LABELS, PHASE_LABELS, PHASES, roundNumber, secondsLeft,
} from "./facilitation.js";
import { Chime } from "./chime.js";
import { renderSetup } from "./setup.js";
import { VotingPanel } from "./voting_panel.js";

const $ = (id) => document.getElementById(id);

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
    this.voting = new VotingPanel(command);
    this.decisions = new DecisionLog(command, links);
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
    this.voting.start(me, host);
    this.decisions.start(host);
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
  rejected(opId) { this.decisions.rejected(opId); }

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
    this.voting.render(view, self);
    this.decisions.render(view);
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
    const had = focusWithin($("timer-extend"), $("timer-stop"));
    $("timer-extend").hidden = !host || !timer;
    $("timer-stop").hidden = !host || !timer;
    refocus(had, $("timer-minutes")); // a stopped timer: the form to start the next one
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
}
