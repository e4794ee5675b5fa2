// "Start a solution track" from a decision, on the workshop page's decision log and on the
// decision's trace. A decision that has its track links to it instead (one track per decision:
// docs/api.md, "Solution tracks"). Only a facilitator may start one (docs/roles.md), and only
// from a decision that selected its item; everyone else sees the link once there is a track.
import { box, el, say, shorten, srOnly } from "./dom.js";
import { uuidv7 } from "./ids.js";

let seq = 0;

/** The track link, the start button with its form, or null, for decision `d` (with its
 * `board_id`) on workshop page `page`. */
export function trackControl(page, d) {
  if (d.track_id) return trackLink(page, d);
  if (d.outcome !== "select" || page.me.role !== "facilitator") return null;
  return startForm(page, d);
}

function trackLink(page, d) {
  const known = [...(page.data.overview?.tracks ?? []), ...(page.data.programme?.tracks ?? [])]
    .find((t) => t.id === d.track_id);
  const link = el("a", "track-link", known ? `Solution track: ${shorten(known.title, 60)}`
    : "Its solution track");
  link.dataset.nav = "";
  link.href = page.link({ track: d.track_id });
  if (!known) { // a page that has not read the tracks (a trace opened by its link) asks
    link.append(srOnly(`, started from “${shorten(d.title, 80)}”`));
    page.api.track(d.track_id).then((t) => {
      link.textContent = `Solution track: ${shorten(t.title, 60)}`;
    }, () => {}); // unreadable: the link still says what it is
  }
  return box("p", "track-control", link);
}

function startForm(page, d) {
  const n = ++seq;
  const wrap = el("div", "track-control");
  const open = el("button", "start-track", "Start a solution track");
  open.type = "button";
  open.setAttribute("aria-expanded", "false");
  open.append(srOnly(` from “${shorten(d.title, 80)}”`));
  const form = el("form", "stack start-track-form");
  form.hidden = true;
  form.autocomplete = "off";
  form.id = `start-track-${n}`;
  open.setAttribute("aria-controls", form.id);
  form.setAttribute("aria-label", `Start a solution track from “${shorten(d.title, 80)}”`);
  const title = field(form, "Track title", "input", `start-title-${n}`);
  title.maxLength = 200;
  title.required = true;
  title.value = d.title.slice(0, 200);
  const summary = field(form, "Summary (optional)", "textarea", `start-summary-${n}`);
  summary.rows = 2;
  summary.maxLength = 2000;
  const error = el("p", "form-error");
  error.setAttribute("role", "alert");
  error.hidden = true;
  const submit = el("button", "", "Start track");
  submit.type = "submit";
  const cancel = el("button", "", "Cancel");
  cancel.type = "button";
  form.append(error, box("div", "form-buttons", submit, cancel));
  const toggle = (shown) => {
    form.hidden = !shown;
    open.setAttribute("aria-expanded", String(shown));
    (shown ? title : open).focus();
  };
  open.addEventListener("click", () => toggle(form.hidden));
  cancel.addEventListener("click", () => toggle(false));
  form.addEventListener("keydown", (ev) => { // Escape closes the form, as Cancel does
    if (ev.key === "Escape") { ev.preventDefault(); toggle(false); }
  });
  let pending = null; // the same start, retried after a dropped connection, keeps its ids
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { board_id: d.board_id, decision_id: d.id, title: title.value.trim(),
      summary: summary.value.trim() };
    const same = pending && JSON.stringify(pending.body) === JSON.stringify(body);
    pending = same ? pending : { body, track_id: uuidv7(), command_id: uuidv7() };
    say(error, null);
    submit.disabled = true;
    try {
      const started = await page.api.startTrack(page.id, { ...pending.body,
        track_id: pending.track_id, command_id: pending.command_id });
      pending = null;
      d.track_id = started.id; // the decision log shows the link from now on
      page.keys = {}; // redraw every section from what the next refresh brings
      const url = new URL(page.link({ track: started.id }), location.href);
      history.pushState(null, "", url.pathname + url.search); // the token stays off the bar
      await page.route(true);
    } catch (err) {
      if (err.code !== "network") pending = null;
      say(error, err.message);
    } finally {
      submit.disabled = false;
    }
  });
  wrap.append(open, form);
  return wrap;
}

function field(form, label, tag, id) {
  const node = document.createElement(tag);
  node.id = id;
  const l = el("label", "", label);
  l.htmlFor = id;
  form.append(l, node);
  return node;
}
