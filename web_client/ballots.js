// The vote round behind a decision, on its trace (trace.js): the round's rules, its totals, and
// its ballots (who put how many dots on what) as the round's policy lets this person see them.
// The board view is already cut for them (docs/api.md, "What each person sees"): while a round
// that hides its tallies is open, its votes hold their own ballot only and no totals; once it
// closed, every voter's dots. On a pseudonymous board voters stay pseudonyms.
import { box, el, plural, shorten } from "./dom.js";

const $ = (id) => document.getElementById(id);

/** Draw the round in `decision`'s evidence (or hide the section when it rested on none).
 * `entries` are the trace's, `titles` id → title, `replay(version)` a link's address. */
export function renderRound(page, board, decision, entries, titles, replay) {
  const section = $("trace-round");
  const round = board.rounds?.[decision.evidence?.round_id];
  section.hidden = !round;
  if (!round) return;
  const title = (id) => shorten(titles.get(id) ?? id, 80);
  const closedAt = entries.find((e) => e.type === "vote.closed")?.version ?? null;
  const rules = [`On ${round.target}`, `${plural(round.budget, "dot", "dots")} each, at most ${round.per_item_max} on one`,
    round.hide_tallies ? "tallies hidden while it was open" : "tallies shown as dots landed",
    round.facilitators_vote ? "facilitators voted too" : "facilitators did not vote"];
  const state = round.open ? "Still open" : `Closed; ${plural(round.voters, "voter", "voters")}`;
  const facts = [`${state}. ${rules.join("; ")}.`];
  if (closedAt !== null) {
    const link = el("a", "replay-link", "Board when the round closed");
    link.href = replay(closedAt);
    facts.push(" ", link);
  }
  $("trace-round-facts").replaceChildren(...facts);
  const parts = [];
  const hidden = round.open && round.hide_tallies;
  const totals = round.open ? Object.entries(round.tallies).map(([item_id, votes]) => ({ item_id, votes }))
    .sort((a, b) => b.votes - a.votes) : round.results;
  if (hidden) {
    parts.push(el("p", "hint", "The round hides its tallies until it closes: totals and other people's dots are not shown yet."));
  } else {
    parts.push(table("trace-totals", "Totals", ["Item", "Dots"],
      totals.map((t) => [title(t.item_id), String(t.votes)])));
  }
  const ballots = Object.entries(round.votes);
  if (ballots.length) {
    const rows = ballots.map(([voter, dots]) => [page.who(voter),
      Object.entries(dots).filter(([, n]) => n > 0).map(([item, n]) => `${title(item)} ×${n}`).join("; ") || "none"]);
    parts.push(table("trace-ballots", hidden ? "Your ballot" : "Ballots: who put their dots where",
      ["Voter", "Dots"], rows));
  } else if (!hidden) {
    parts.push(el("p", "hint", "Totals only: no ballot is shown for this round."));
  }
  $("trace-round-body").replaceChildren(...parts);
}

function table(id, caption, head, rows) {
  const t = el("table", "trace-table");
  t.id = id;
  t.append(el("caption", "", caption));
  const tr = el("tr");
  for (const h of head) { const th = el("th", "", h); th.scope = "col"; tr.append(th); }
  t.append(box("thead", "", tr));
  const body = el("tbody");
  for (const row of rows) body.append(box("tr", "", ...row.map((cell) => el("td", "", cell))));
  t.append(body);
  const region = box("div", "table-scroll", t);
  region.setAttribute("role", "region");
  region.setAttribute("aria-label", caption);
  region.tabIndex = 0;
  return region;
}
