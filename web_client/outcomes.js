// The programme's outcome tracker as a bar chart: one row per planned outcome, its count
// against the programme's target (GET /api/programme, "outcomes"). Each bar is a progressbar
// named by its outcome, with its count and target in words (aria-valuetext), shown as text
// beside it, and a tick where the target is; "Met" is said in words and with a mark, never
// by colour alone. A count past its target draws past the tick.
import { badge, box, el } from "./dom.js";

let seq = 0;

/** Draw `outcomes` ([{name, label, target, actual, met, counts}]) into list `list`. */
export function renderOutcomes(list, outcomes) {
  list.replaceChildren(...outcomes.map((o) => outcomeRow(o)));
}

function outcomeRow(o) {
  const n = ++seq;
  const li = el("li", "outcome");
  li.dataset.name = o.name;
  li.dataset.met = String(o.met);
  const label = el("span", "outcome-label", o.label);
  label.id = `outcome-label-${n}`;
  const value = el("span", "outcome-value", `${o.actual} / ${o.target}`);
  value.title = `${o.actual} counted, target ${o.target}`;
  value.setAttribute("aria-hidden", "true"); // the bar says it in words
  const state = badge("met", String(o.met), o.met ? "Met" : "Not met yet");
  const help = el("p", "outcome-help", `Counts ${o.counts}.`);
  help.id = `outcome-help-${n}`;
  li.append(box("div", "outcome-head", label, value, state), bar(o, label.id, help.id), help);
  return li;
}

/** The bar: filled to the count, on a scale that fits both the count and the target. */
function bar(o, labelId, helpId) {
  const scale = Math.max(o.target, o.actual, 1);
  const track = el("div", "outcome-bar");
  track.setAttribute("role", "progressbar");
  track.setAttribute("aria-labelledby", labelId);
  track.setAttribute("aria-describedby", helpId);
  track.setAttribute("aria-valuemin", "0");
  track.setAttribute("aria-valuemax", String(scale));
  track.setAttribute("aria-valuenow", String(o.actual));
  track.setAttribute("aria-valuetext", `${o.actual} of ${o.target}, ${o.met ? "met" : "not met yet"}`);
  const fill = el("span", "outcome-fill");
  fill.style.width = `${(100 * o.actual) / scale}%`; // CSSOM, which the CSP allows
  const tick = el("span", "outcome-target");
  tick.style.left = `${(100 * o.target) / scale}%`;
  tick.title = `Target: ${o.target}`;
  track.append(fill, tick);
  return track;
}
