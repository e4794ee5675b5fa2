// The discuss phase on a board: the fold of its events into `view.discussion` (the shape of
// projections/discussion_view.py), and the page's spotlight, comments and action items: the
// facilitator spotlights items (the next in the latest closed round's ranking, or the one last
// focused on the canvas), everyone's canvas follows unless they opt out, people comment on the
// spotlighted item, and each decision in the decision log takes action items.
import { box, dayEl, el, filled, shorten, srOnly, timeEl } from "./dom.js";
import { itemTitle, ranked, refusal } from "./facilitation.js";
import { uuidv7 } from "./ids.js";

const $ = (id) => document.getElementById(id);

/** The discussion part of an empty board view. */
export function emptyDiscussion() {
  return { spotlight: null, comments: [], actions: [] };
}

/** The view after a discussion event; any other event leaves it as it is. */
export function foldDiscussion(view, data, rec) {
  const talk = view.discussion ?? emptyDiscussion();
  const put = (changes) => ({ ...view, discussion: { ...talk, ...changes } });
  switch (data.type) {
    case "spotlight.set": return put({ spotlight: data.item_id });
    case "spotlight.cleared": return put({ spotlight: null });
    case "comment.added":
      return put({ comments: [...talk.comments, { id: data.comment_id, item_id: data.item_id,
        text: data.text, author: data.author, created_at: rec.recorded_at,
        version: rec.version }] });
    case "action.added":
      return put({ actions: [...talk.actions, { id: data.action_id,
        decision_id: data.decision_id, text: data.text, owner_name: data.owner_name,
        due: data.due, done: false, created_at: rec.recorded_at, version: rec.version }] });
    case "action.completed":
      return put({ actions: talk.actions.map((a) => (a.id === data.action_id
        ? { ...a, done: true, version: rec.version } : a)) });
    default: return view; // an event type this client does not know changes nothing it shows
  }
}

// --------------------------------------------------------------------------- action items

/** A decision's action items as a list (what, who owns it, when it is due, done or not);
 * a line saying there are none when `actions` is empty. */
export function actionList(actions, none = "No action items yet.") {
  if (!actions.length) return el("p", "hint", none);
  const list = el("ul", "actions");
  for (const a of actions) {
    const item = el("li", a.done ? "action done" : "action");
    item.dataset.id = a.id;
    item.append(el("span", "action-text", a.text), " · ", el("span", "action-owner", a.owner_name),
      " · due ", dayEl(a.due));
    if (a.done) item.append(" · ", el("span", "badge", "done"));
    list.append(item);
  }
  return list;
}

// --------------------------------------------------------------------------- the spotlight

const shown = (view, id) => Boolean(view.clusters[id] || (view.notes[id] && !view.notes[id].hidden));

/** The items in the order the spotlight walks them: the latest closed round's ranking (most
 * dots first), else the clusters then the notes as they were made. */
export function rankOrder(view) {
  const round = Object.values(view.rounds).filter((r) => !r.open).at(-1);
  const ids = round ? ranked(round).map((r) => r.item_id)
    : [...Object.keys(view.clusters), ...Object.keys(view.notes)];
  return ids.filter((id) => shown(view, id));
}

/** The item after the spotlighted one in `rankOrder` (the first when none is; round again
 * after the last), or null on a board with no items. */
export function nextInRank(view) {
  const order = rankOrder(view);
  if (!order.length) return null;
  return order[(order.indexOf(view.discussion?.spotlight ?? null) + 1) % order.length];
}

export class DiscussionPanel {
  /** `command(command)` sends a board command and returns its op_id (null if not sent);
   * `nameOf(id)` names a person of the view; `itemElement(id)` is a note's or cluster's
   * element on the canvas. */
  constructor(command, { nameOf, itemElement }) {
    this.command = command;
    this.nameOf = nameOf;
    this.itemElement = itemElement;
    this.view = null;
    this.me = null;
    this.focused = null; // the note or cluster last focused on the canvas
    this.followed = undefined; // the spotlight this page last followed
    this.lit = null;
    this.keys = {};
    this.draft = null; // {opId, text} of a comment sent and not yet settled
  }

  start(me) {
    this.me = me;
    this.host = me.role === "facilitator";
    $("canvas").addEventListener("focusin", (ev) => {
      const item = ev.target.closest("[data-id]");
      if (item && (item.classList.contains("note") || item.classList.contains("cluster"))) {
        this.focused = item.dataset.id;
        this.renderControls(this.view);
      }
    });
    $("spotlight-optout").addEventListener("change", (ev) => {
      if (!ev.target.checked) this.follow(this.view.discussion.spotlight);
    });
    $("comment-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const text = filled($("comment-text"));
      const itemId = this.view?.discussion.spotlight;
      if (!text || !itemId) return;
      const opId = this.command({ type: "comment.add", comment_id: uuidv7(), item_id: itemId, text });
      if (opId) { this.draft = { opId, text }; $("comment-text").value = ""; }
    });
    if (!this.host) return;
    $("spotlight-next").addEventListener("click", () => this.spotlight(nextInRank(this.view)));
    $("spotlight-this").addEventListener("click", () => this.spotlight(this.focused));
    $("spotlight-clear").addEventListener("click", () => this.command({ type: "spotlight.clear" }));
  }

  spotlight(itemId) {
    if (itemId && itemId !== this.view.discussion.spotlight) {
      this.command({ type: "spotlight.set", item_id: itemId });
    }
  }

  /** A command was refused: give a comment's text back to the form. */
  rejected(opId) {
    if (this.draft?.opId === opId && !$("comment-text").value) $("comment-text").value = this.draft.text;
    if (this.draft?.opId === opId) this.draft = null;
  }

  /** After the canvas is drawn: highlight and follow the spotlight, show its comments. */
  render(view) {
    this.view = view;
    const spot = view.discussion.spotlight;
    if (this.lit && this.lit !== this.itemElement(spot)) this.lit.classList.remove("spotlit");
    this.lit = spot ? this.itemElement(spot) : null;
    this.lit?.classList.add("spotlit");
    if (spot !== this.followed) {
      this.followed = spot;
      if (!$("spotlight-optout").checked) this.follow(spot);
    }
    const title = spot ? shorten(itemTitle(view, spot), 80) : "";
    const status = spot ? `In the spotlight: “${title}”` : "No item is in the spotlight.";
    if ($("spotlight-status").textContent !== status) $("spotlight-status").textContent = status;
    this.renderControls(view);
    this.renderComments(view, spot);
  }

  follow(itemId) {
    const item = itemId ? this.itemElement(itemId) : null;
    item?.scrollIntoView({ block: "center", inline: "center" });
  }

  renderControls(view) {
    if (!this.host || !view) return;
    const discussing = view.phase === "discuss";
    const spot = view.discussion.spotlight;
    $("spotlight-next").disabled = !discussing || !nextInRank(view);
    const focused = this.focused && shown(view, this.focused) ? this.focused : null;
    const thisOne = $("spotlight-this");
    thisOne.disabled = !discussing || !focused || focused === spot;
    thisOne.title = focused ? `Spotlight “${shorten(itemTitle(view, focused), 60)}”`
      : "Focus a note on the board first";
    $("spotlight-clear").disabled = !spot;
    $("spotlight-hint").hidden = discussing;
    $("spotlight-hint").textContent = discussing ? "" : "The spotlight is for the discuss phase.";
  }

  renderComments(view, spot) {
    const why = spot ? refusal(view, this.me, "comment.add") : "Nothing to comment on yet.";
    $("comment-form").hidden = Boolean(why);
    const mine = view.discussion.comments.filter((c) => c.item_id === spot);
    const key = JSON.stringify([spot, mine]);
    if (this.keys.comments === key) return;
    this.keys.comments = key;
    const items = mine.map((c) => box("li", "comment", box("p", "comment-meta",
      el("span", "who", this.nameOf(c.author)), " · ", timeEl(c.created_at, "clock")),
    el("p", "comment-text", c.text)));
    if (!items.length) items.push(el("li", "empty", spot ? "No comments yet." : "—"));
    $("comments").replaceChildren(...items);
  }

  // ------------------------------------------------------------ action items

  /** The action items of decision `d` in the decision log, with the facilitator's form. */
  decisionActions(d, view) {
    const actions = view.discussion.actions.filter((a) => a.decision_id === d.id);
    const list = actionList(actions, "No action items.");
    const part = box("div", "decision-actions", el("h4", "", "Action items"), list);
    if (!this.host) return part;
    for (const a of actions.filter((one) => !one.done)) {
      const done = el("button", "action-done", "Mark done");
      done.type = "button";
      done.setAttribute("aria-label", `Mark “${shorten(a.text, 40)}” done`);
      done.addEventListener("click", () => this.command({ type: "action.done", action_id: a.id }));
      list.querySelector(`li[data-id="${CSS.escape(a.id)}"]`)?.append(" ", done);
    }
    part.append(this.actionForm(d));
    return part;
  }

  actionForm(d) {
    const id = (name) => `action-${name}-${d.id}`;
    const field = (name, label, input) => {
      input.id = id(name);
      input.required = true;
      const tag = el("label", "", label);
      tag.htmlFor = input.id;
      return [tag, input];
    };
    const text = el("input");
    text.maxLength = 300;
    const owner = el("input");
    owner.maxLength = 120;
    const due = el("input");
    due.type = "date";
    const form = box("form", "stack action-form", ...field("text", "What is to be done", text),
      ...field("owner", "Owner", owner), ...field("due", "Due", due),
      Object.assign(el("button", "", "Add action item"), { type: "submit" }));
    form.autocomplete = "off";
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const sent = this.command({ type: "action.add", action_id: uuidv7(), decision_id: d.id,
        text: text.value.trim(), owner_name: owner.value.trim(), due: due.value });
      if (sent) form.reset();
    });
    // Said in its content, not an aria-label: the decision's title follows for screen readers.
    const summary = box("summary", "", "Add an action item",
      srOnly(` to the decision on “${shorten(d.title, 40)}”`));
    return box("details", "action-add", summary, form);
  }
}
