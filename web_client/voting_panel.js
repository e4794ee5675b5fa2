// The dot-voting panel of the board page (part of the facilitation, panels.js): the open
// round's rules and the dots I have left, the facilitator's form that opens a round and the
// button that closes it, and every round's results or tallies, newest first.
import { box, el, focusWithin, plural, refocus, shorten, timeEl } from "./dom.js";
import {
  blindRound, itemTitle, mayVote, openRound, ranked, roundNumber, used,
} from "./facilitation.js";
import { uuidv7 } from "./ids.js";

const $ = (id) => document.getElementById(id);

export class VotingPanel {
  /** `command(command)` sends a board command and returns its op_id (null if not sent). */
  constructor(command) {
    this.command = command;
    this.view = null;
    this.key = null; // what the rounds' list was last built from
  }

  /** `me` votes; the controls are wired for a facilitator on a live page (`host`). */
  start(me, host) {
    this.me = me;
    this.host = host;
    if (host) this.wire();
  }

  wire() {
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
  }

  render(view, self) {
    this.view = view;
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
      // The form shows where it can work: in the vote phase, with no round open. Opening a round
      // hands the focus to Close round, closing it back to the form (or the status).
      const had = focusWithin($("vote-open"), $("vote-close"));
      $("vote-open").hidden = Boolean(round) || view.phase !== "vote";
      $("vote-close").hidden = !round;
      $("vote-open-hint").hidden = view.phase === "vote";
      refocus(had, $("vote-close"), $("vote-target"), status);
    }
    this.renderRounds(view, self);
  }

  renderRounds(view, self) {
    const rounds = Object.values(view.rounds);
    const titles = rounds.flatMap((r) => r.item_ids.map((id) => itemTitle(view, id)));
    const blind = blindRound(view);
    const key = JSON.stringify([rounds, titles, self, blind]);
    if (this.key === key) return;
    this.key = key;
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
        item.append(box("p", "meta", `${plural(round.voters, "voter", "voters")} · closed `, timeEl(round.closed_at, "clock")));
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
}
