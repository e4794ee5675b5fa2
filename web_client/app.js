// Plenary's web client: the way in. It opens the session the link holds and starts the page
// the address names: an organiser's home (home.js), an invitation (join.js), a board's replay
// (replay.js), a live board (board_page.js) or the workshop page (workshop.js). The toast and
// the connection status are shell.js's.
import { Api } from "./api.js";
import { credential, exchange } from "./boot.js";
import { COLOURS } from "./board.js";
import { BoardPage } from "./board_page.js";
import { HomePage } from "./home.js";
import { joinIfInvited } from "./join.js";
import { ReplayPage } from "./replay.js";
import { showAlert } from "./shell.js";
import { WorkshopPage } from "./workshop.js";

const $ = (id) => document.getElementById(id);

// --------------------------------------------------------------------------- session

/** The session `exchange` (boot.js: already under way for `credential`), kept fresh while the
 * page is open (a session lasts hours; it is renewed at half its life). */
async function openSession(credential, exchange) {
  const api = new Api(credential);
  const me = await exchange;
  const keep = (session) => {
    api.token = session.token;
    sessionStorage.setItem("plenary-token", session.token);
    const halfLife = Math.max(60_000, (session.expires_at * 1000 - Date.now()) / 2);
    setTimeout(() => api.session().then(keep).catch(() => setTimeout(() => keep(session), 60_000)),
      halfLife);
  };
  keep(me);
  return { api, me };
}

// --------------------------------------------------------------------------- start

/** The page for someone without a working link: what to open instead. */
function showHome() {
  $("home").hidden = false;
  $("status").hidden = true; // no socket on this page: nothing connects
  $("title").hidden = true; // the home page has its own h1
}

async function main() {
  const token = credential;
  if (!token) { showHome(); return; }
  let session;
  try { session = await openSession(token, exchange); } catch (error) {
    sessionStorage.removeItem("plenary-token");
    showHome();
    showAlert(error.code === "network" ? error.message
      : `This link no longer opens Plenary (${error.message}) Ask for a new one.`, error.code);
    return;
  }
  const { api, me } = session;
  const claims = { sub: me.id, name: me.name, role: me.role, wid: me.workshop_id, board: me.board_id };
  $("me").textContent = `${claims.name || "You"} · ${claims.role}`;
  const [, kind, id] = location.pathname.split("/");
  if (me.kind === "organiser") {
    await new HomePage(api, me).start();
    return;
  }
  if (await joinIfInvited(api, me, token)) return;
  if (kind === "b" && id && new URLSearchParams(location.search).has("replay")) {
    const page = new ReplayPage(api, decodeURIComponent(id), claims, showAlert);
    window.plenary = { replay: () => page.state() }; // a seam for tests: no token in it
    await page.start();
  } else if (kind === "b" && id) {
    const colours = $("note-colour");
    colours.replaceChildren(...COLOURS.map((c) => new Option(c, c)));
    const page = new BoardPage(api, decodeURIComponent(id), claims);
    // A seam for tests and the console: the live page state (it holds no token).
    window.plenary = {
      command: (command) => page.command(command),
      view: () => page.view,
      version: () => page.confirmed.version,
      pending: () => page.pending.length,
      status: () => $("status").dataset.state,
      clockOffset: () => page.sync.offset,
      dropConnection: () => page.sync.ws?.close(4000, "dropped by hand"),
      chimes: () => page.panels.chime.rung,
    };
    page.start();
  } else {
    const page = new WorkshopPage(api, id ? decodeURIComponent(id) : claims.wid, claims);
    await page.start();
  }
}

main().catch((error) => showAlert(error.message));
