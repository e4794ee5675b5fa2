// A board's setup on the board page (docs/templates.md): the prompt under the header, only the
// phases the board uses in the stepper, and the vote-round form filled with the board's vote
// defaults whenever they change (not on every redraw, so what a facilitator typed stays). A
// facilitator edits the setup in the side panel's "Board set-up": one `board.configure` with
// what changed, a refusal shown under the form.
import { PHASES, VOTE_DEFAULTS } from "./facilitation.js";
import { say } from "./dom.js";

const $ = (id) => document.getElementById(id);
let filledFrom = null; // the vote defaults the form was last filled with

export function renderSetup(view) {
  const prompt = $("board-prompt");
  if (prompt.textContent !== (view.prompt ?? "")) prompt.textContent = view.prompt ?? "";
  prompt.hidden = !view.prompt;
  const used = view.phases ?? PHASES;
  let n = 0;
  for (const item of $("phases").children) {
    item.hidden = !used.includes(item.dataset.phase);
    if (!item.hidden) item.querySelector(".num").textContent = String(++n);
  }
  const defaults = view.vote_defaults ?? VOTE_DEFAULTS;
  const key = JSON.stringify(defaults);
  if (key === filledFrom) return;
  filledFrom = key;
  $("vote-budget").value = String(defaults.budget);
  $("vote-per-item").value = String(defaults.per_item_max);
  $("vote-hide").checked = defaults.hide_tallies;
}

/** The setup a view holds, defaults filled in. */
function setupOf(view) {
  const d = view.vote_defaults ?? VOTE_DEFAULTS;
  return { prompt: view.prompt ?? "", phases: view.phases ?? PHASES,
    vote_defaults: { budget: d.budget, per_item_max: d.per_item_max, hide_tallies: d.hide_tallies } };
}

/** The facilitator's "Board set-up" form (hidden from everyone else as `.host-only`). */
export class SetupPanel {
  /** `command(command)` sends a board command and returns its op_id (null if not sent). */
  constructor(command) {
    this.command = command;
    this.view = null;
    this.filled = null; // the setup the form was last filled with (JSON)
    this.sent = null; // op_id of the save not yet settled
  }

  wire() {
    $("setup-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.save();
    });
  }

  /** Fill the form when the board's setup changes, so what is being typed survives redraws. */
  render(view) {
    this.view = view;
    const setup = setupOf(view);
    const key = JSON.stringify(setup);
    if (key === this.filled) return;
    this.filled = key;
    $("setup-prompt").value = setup.prompt;
    for (const p of PHASES) $(`setup-phase-${p}`).checked = setup.phases.includes(p);
    $("setup-budget").value = String(setup.vote_defaults.budget);
    $("setup-per-item").value = String(setup.vote_defaults.per_item_max);
    $("setup-hide").checked = setup.vote_defaults.hide_tallies;
    if (this.sent) {
      this.sent = null;
      say($("setup-error"), null);
      $("setup-status").textContent = "Saved.";
    }
  }

  /** One `board.configure` with what differs from the board's setup now. */
  save() {
    const was = setupOf(this.view);
    const now = {
      prompt: $("setup-prompt").value.trim(),
      phases: PHASES.filter((p) => $(`setup-phase-${p}`).checked),
      vote_defaults: { budget: Number($("setup-budget").value),
        per_item_max: Number($("setup-per-item").value), hide_tallies: $("setup-hide").checked },
    };
    const command = { type: "board.configure" };
    for (const field of Object.keys(now)) {
      if (JSON.stringify(now[field]) !== JSON.stringify(was[field])) command[field] = now[field];
    }
    say($("setup-error"), null);
    if (Object.keys(command).length === 1) {
      $("setup-status").textContent = "Nothing to save: the set-up is as shown.";
      return;
    }
    this.sent = this.command(command);
    $("setup-status").textContent = this.sent ? "Saving…" : "";
  }

  /** Show a refused save under the form; true if `frame` was the save's. */
  rejected(frame) {
    if (!this.sent || frame.op_id !== this.sent) return false;
    this.sent = null;
    $("setup-status").textContent = "";
    say($("setup-error"), frame.message || frame.code);
    $("setup-error").dataset.code = frame.code ?? "";
    return true;
  }
}
