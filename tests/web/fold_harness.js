// The board page's fold, driven by a test: recorded events (or the socket's frames) in, the
// view the page would hold out. It imports the page's own modules from the app's /static, so
// what it folds is what a browser folds. tests/web/fold.py serves it beside the app and
// compares what it returns with the server's view (docs/architecture.md, "The client's fold").
import { applyEvent, emptyView, mayChangeBoard, mayChangeNote } from "/static/board.js";
import {
  castRefusal, FACILITATOR_COMMANDS, mayVote, openRound, PARTICIPANT_PHASES, refusal, selfId,
} from "/static/facilitation.js";
import { Api } from "/static/api.js";
import { replayed } from "/static/replay.js";
import { Sync } from "/static/sync.js";

/** An item no ballot holds, to ask castRefusal about. */
export const OFF_BALLOT = "off-ballot";

/** The view after `events` (recorded events, as GET /api/boards/{id}/events and the socket
 * give them) folded onto `start` (a board view as the server gives it; null: the board before
 * its first event), the way the board page folds them. */
export function fold(boardId, events, start = null) {
  let view = { ...emptyView(boardId), ...(start ?? {}) };
  for (const recorded of events) view = applyEvent(view, recorded);
  return view;
}

/** What the replay page folds for the holder of `token`: it reads every event they may (GET
 * /events, paged) and folds them as seen live (replay.js `replayed`). Returns {seen, views,
 * self}: the events as folded, the view at every version 0 … head, the id standing for them. */
export function replay(boardId, token) {
  return replayed(new Api(token), boardId);
}

/** What GET /api/boards/{id}/at?version=N answers the holder of `token` at each of `versions`. */
export function boardsAt(boardId, token, versions) {
  const api = new Api(token);
  const id = encodeURIComponent(boardId);
  return Promise.all(versions.map((v) => api.call("GET", `/api/boards/${id}/at?version=${v}`)));
}

/** The board page's socket side, for one person: `frames` (text frames as the server sent
 * them, in order) go through the page's own Sync, and the view is kept the way BoardPage
 * (board_page.js) keeps it (a welcome's view replaces it, events fold onto it, an
 * `anonymity.set` asks for a fresh welcome). Returns, for each frame index in `report`, the
 * view then and, with `tags`, the page's rule predictions for it (see `predict`). */
export function follow(boardId, frames, report, tags = null) {
  const wanted = new Set(report);
  let me = null;
  let view = emptyView(boardId);
  const sync = new Sync(boardId, () => Promise.reject(new Error("no network here")), {
    welcome: (frame, fresh) => {
      me = { ...me, ...frame.you };
      if (fresh) view = fold(boardId, [], fresh);
    },
    events: (events) => {
      view = fold(boardId, events, view);
      if (events.some((e) => e.type === "anonymity.set")) sync.refresh();
    },
    ack() {}, reject() {}, presence() {}, status() {}, error() {}, fatal() {},
  });
  const views = {};
  const predictions = {};
  frames.forEach((text, index) => {
    sync.frame(JSON.parse(text));
    if (!wanted.has(index)) return;
    views[index] = view;
    if (tags) predictions[index] = predict(view, me, tags);
  });
  clearInterval(sync.pinger);
  sync.stop();
  return { views, predictions, me };
}

/** What the page predicts `me` may do on `view`: `refusal` for each of `tags`, whether they
 * may change the board at all and vote in the open round, `castRefusal` for every item of
 * every round (and one off the ballot), and `mayChangeNote` for every note they see. */
export function predict(view, me, tags) {
  const self = { id: selfId(view, me), role: me.role };
  const round = openRound(view);
  const casts = {};
  for (const r of Object.values(view.rounds)) {
    casts[r.id] = Object.fromEntries(
      [...r.item_ids, OFF_BALLOT].map((item) => [item, castRefusal(r, self.id, item)]),
    );
  }
  return {
    refusal: Object.fromEntries(tags.map((tag) => [tag, refusal(view, me, tag)])),
    mayChangeBoard: mayChangeBoard(me),
    openRound: round?.id ?? null,
    mayVote: mayVote(view, round, me),
    castRefusal: casts,
    mayChangeNote: Object.fromEntries(
      Object.values(view.notes).map((n) => [n.id, mayChangeNote(n, self)]),
    ),
  };
}

/** `follow` for each run of `batch` ({frames: [text], tags: [tag], runs: [{board_id, frames:
 * [index into batch.frames], report, probe}]}): one call for many boards and people. */
export function followAll(batch) {
  return batch.runs.map((run) => follow(
    run.board_id, run.frames.map((i) => batch.frames[i]), run.report,
    run.probe ? batch.tags : null,
  ));
}

/** The page's copies of domain tables: the phases of domain/facilitation.py and the
 * facilitator-only commands of domain/roles.py. */
export function tables() {
  return { participantPhases: PARTICIPANT_PHASES, facilitatorCommands: [...FACILITATOR_COMMANDS] };
}
