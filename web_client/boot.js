// The page's first requests, sent while the rest of the modules are still loading: index.html
// runs this module on its own as soon as it arrives, and app.js imports the same instance
// (one module per URL), so the session exchange and, on a board page, the ticket for its
// socket go out at once and overlap the module downloads (docs/benchmarks.md, "canvas").
import { Api } from "./api.js";

/** The credential from the link's fragment (taken off the URL at once), else the session this
 * tab already holds. Links carry a link, an invite or a sign-in; the tab keeps a session. */
function takeToken() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) {
    history.replaceState(null, "", location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem("plenary-token");
}

/** The credential this page opened with (null: none, the home page shows). */
export const credential = takeToken();

/** The session exchange for `credential`, already under way: a promise of
 * `POST /api/auth/session`'s answer, or null without a credential. */
export const exchange = credential ? new Api(credential).session() : null;
// app.js handles a refusal when it runs; until then it is not an unhandled rejection.
exchange?.catch(() => {});

const TICKET_KEPT_MS = 20_000; // a ticket opens a socket within 30 s of being issued

/** The board this page shows live (null: another page, or a board's replay). */
function liveBoard() {
  const [, kind, id] = location.pathname.split("/");
  const replay = new URLSearchParams(location.search).has("replay");
  return kind === "b" && id && !replay ? decodeURIComponent(id) : null;
}

// The credential itself asks (a link, an invite or a session opens a ticket as the session
// made from it would), beside the session exchange rather than after it.
const board = liveBoard();
const early = credential && board
  ? new Api(credential).ticket(board)
    .then((t) => ({ ticket: t.ticket, at: Date.now() }))
    .catch(() => null) // the socket's own request for a ticket says why, if it is refused
  : null;

/** The ticket asked for with the session, once and while fresh; else null (ask for one). */
export async function firstTicket() {
  const kept = await early;
  if (!kept || kept.used || Date.now() - kept.at > TICKET_KEPT_MS) return null;
  kept.used = true;
  return kept.ticket;
}
