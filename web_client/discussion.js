// The discuss phase on a board: the fold of its events into `view.discussion` (the shape of
// projections/discussion_view.py), and the page's spotlight, comments and action items.
import { dayEl, el } from "./dom.js";

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
