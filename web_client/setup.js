// A board's setup on the board page (docs/templates.md): the prompt under the header, only the
// phases the board uses in the stepper, and the vote-round form filled with the board's vote
// defaults whenever they change (not on every redraw, so what a facilitator typed stays).
import { PHASES, VOTE_DEFAULTS } from "./facilitation.js";

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
