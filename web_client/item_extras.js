// What the canvas shows on a note or cluster besides its text (board_render.js): the tag of the
// group a promoted copy came from, its rank in the latest closed round, its decided outcome,
// and its ballot in an open round (the tally, my dots, and the buttons that put or take one).
import { OUTCOME_LABELS } from "./facilitation.js";

/** The tag of a promoted copy: the group (source board) it came from. */
export function groupTagElement() {
  const tag = document.createElement("span");
  tag.className = "group-tag";
  tag.setAttribute("aria-hidden", "true"); // said in the item's own label
  tag.hidden = true;
  return tag;
}

export function groupTag(tag, group) {
  tag.hidden = !group;
  if (tag.textContent !== group) tag.textContent = group;
}

function button(className, text) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = text;
  return b;
}

/** The badges and ballot of a note or cluster; built once, then updated in place so that
 * keyboard focus stays on a dot button while the board re-renders. */
export function extrasElement() {
  const extras = document.createElement("div");
  extras.className = "extras";
  const result = document.createElement("span");
  result.className = "badge result";
  const outcome = document.createElement("span");
  outcome.className = "badge outcome";
  const ballot = document.createElement("div");
  ballot.className = "ballot";
  ballot.setAttribute("role", "group");
  const tally = document.createElement("span");
  tally.className = "tally";
  const dots = document.createElement("span");
  dots.className = "my-dots";
  const shown = document.createElement("span");
  shown.setAttribute("aria-hidden", "true");
  const said = document.createElement("span");
  said.className = "visually-hidden";
  dots.append(shown, said);
  ballot.append(tally, dots, button("vote-remove", "−"), button("vote-add", "+ dot"));
  extras.append(result, outcome, ballot);
  return extras;
}

export function renderExtras(extras, itemId, title, ui) {
  const short = title.length > 40 ? `${title.slice(0, 39)}…` : title;
  const result = extras.querySelector(".result");
  const placed = ui.results.get(itemId);
  result.hidden = !placed;
  if (placed) {
    const text = `#${placed.rank} · ${placed.votes} ${placed.votes === 1 ? "dot" : "dots"}`;
    if (result.textContent !== text) result.textContent = text;
    result.title = `Rank ${placed.rank} of ${placed.of} in round ${placed.round}`;
  }
  const outcome = extras.querySelector(".outcome");
  const decided = ui.outcomes.get(itemId);
  outcome.hidden = !decided;
  if (decided) {
    outcome.textContent = OUTCOME_LABELS[decided] ?? decided;
    outcome.dataset.outcome = decided;
  }
  const ballot = extras.querySelector(".ballot");
  const round = ui.ballot?.round;
  const onBallot = Boolean(round?.item_ids.includes(itemId));
  ballot.hidden = !onBallot;
  if (!onBallot) return;
  const mine = ui.ballot.mine[itemId] ?? 0;
  ballot.dataset.item = itemId;
  ballot.dataset.mine = String(mine);
  ballot.setAttribute("aria-label", `Dots on “${short}”`);
  const tally = extras.querySelector(".tally");
  const total = round.tallies[itemId] ?? 0;
  tally.hidden = !ui.ballot.showTallies;
  tally.textContent = `${total} ${total === 1 ? "dot" : "dots"}`;
  const dots = extras.querySelector(".my-dots");
  dots.hidden = !mine;
  dots.firstChild.textContent = "●".repeat(mine);
  dots.lastChild.textContent = `${mine} of your dots`;
  const add = extras.querySelector(".vote-add");
  const remove = extras.querySelector(".vote-remove");
  add.hidden = !ui.ballot.canVote;
  remove.hidden = !ui.ballot.canVote || !mine;
  add.dataset.item = itemId;
  remove.dataset.item = itemId;
  add.setAttribute("aria-label", `Put a dot on “${short}”`);
  remove.setAttribute("aria-label", `Take a dot back from “${short}”`);
}
