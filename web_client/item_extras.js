// What the canvas shows on a note or cluster besides its text (board_render.js): the tag of the
// group a promoted copy came from, its rank in the latest closed round, its decided outcome,
// and its ballot in an open round (the tally, my dots, and the buttons that put or take one).
import { el, setAttr, setHidden, setText } from "./dom.js";
import { OUTCOME_LABELS } from "./facilitation.js";

/** The tag of a promoted copy: the group (source board) it came from. */
export function groupTagElement() {
  const tag = el("span", "group-tag");
  tag.setAttribute("aria-hidden", "true"); // said in the item's own label
  tag.hidden = true;
  return tag;
}

export function groupTag(tag, group) {
  setHidden(tag, !group);
  setText(tag, group);
}

const PARTS = new WeakMap(); // an extras element → its parts, so that a render finds them at once
let made = null; // the first extras built: each other is a copy of it, which is quicker to make

function button(className, text) {
  const b = el("button", className, text);
  b.type = "button";
  return b;
}

function build() {
  const extras = el("div", "extras");
  const ballot = el("div", "ballot");
  ballot.setAttribute("role", "group");
  const dots = el("span", "my-dots");
  const shown = el("span");
  shown.setAttribute("aria-hidden", "true");
  dots.append(shown, el("span", "visually-hidden"));
  ballot.append(el("span", "tally"), dots, button("vote-remove", "−"), button("vote-add", "+ dot"));
  extras.append(el("span", "badge result"), el("span", "badge outcome"), ballot);
  return extras;
}

/** The badges and ballot of a note or cluster; built once, then updated in place so that
 * keyboard focus stays on a dot button while the board re-renders. A copy of one (a copied
 * note's) is one too. */
export function extrasElement() {
  made ??= build();
  return made.cloneNode(true);
}

function partsOf(extras) {
  let parts = PARTS.get(extras);
  if (!parts) {
    const [result, outcome, ballot] = extras.children;
    const [tally, dots, remove, add] = ballot.children;
    parts = { result, outcome, ballot, tally, dots, add, remove };
    PARTS.set(extras, parts);
  }
  return parts;
}

/** Update `extras` (made by extrasElement) for item `itemId` titled `title`. */
export function renderExtras(extras, itemId, title, ui) {
  const short = title.length > 40 ? `${title.slice(0, 39)}…` : title;
  const { result, outcome, ballot, tally, dots, add, remove } = partsOf(extras);
  const placed = ui.results.get(itemId);
  setHidden(result, !placed);
  if (placed) {
    const text = `#${placed.rank} · ${placed.votes} ${placed.votes === 1 ? "dot" : "dots"}`;
    setText(result, text);
    result.title = `Rank ${placed.rank} of ${placed.of} in round ${placed.round}`;
  }
  const decided = ui.outcomes.get(itemId);
  setHidden(outcome, !decided);
  if (decided) {
    setText(outcome, OUTCOME_LABELS[decided] ?? decided);
    outcome.dataset.outcome = decided;
  }
  const round = ui.ballot?.round;
  const onBallot = Boolean(round?.item_ids.includes(itemId));
  setHidden(ballot, !onBallot);
  if (!onBallot) return;
  const mine = ui.ballot.mine[itemId] ?? 0;
  ballot.dataset.item = itemId;
  ballot.dataset.mine = String(mine);
  setAttr(ballot, "aria-label", `Dots on “${short}”`);
  const total = round.tallies[itemId] ?? 0;
  setHidden(tally, !ui.ballot.showTallies);
  setText(tally, `${total} ${total === 1 ? "dot" : "dots"}`);
  setHidden(dots, !mine);
  setText(dots.firstChild, "●".repeat(mine));
  setText(dots.lastChild, `${mine} of your dots`);
  setHidden(add, !ui.ballot.canVote);
  setHidden(remove, !ui.ballot.canVote || !mine);
  add.dataset.item = itemId;
  remove.dataset.item = itemId;
  setAttr(add, "aria-label", `Put a dot on “${short}”`);
  setAttr(remove, "aria-label", `Take a dot back from “${short}”`);
}
