// "Everyone to the plenary" on the board page: when the facilitator calls the groups
// (`board.gathered`, folded into the view as `gathered`), a banner offers a one-click link to
// the plenary board. The page's live region (#announce) says the call, so screen readers hear
// it; the banner is dismissed per call: a later call shows again.
const SEEN_KEY = "plenary-gather-dismissed";

let region = null;

/** Show or hide the banner for `view` on board `boardId`. `token` opens the plenary (the
 * session this tab holds); a token scoped to another board gets no link it cannot follow. */
export function showGathered(view, { boardId, token, scope }) {
  const call = view.gathered;
  const wanted = call && call.board_id !== boardId && (!scope || scope === call.board_id)
    && sessionStorage.getItem(SEEN_KEY) !== `${boardId}@${call.at}`;
  const banner = ensureRegion();
  if (!wanted) {
    banner.replaceChildren();
    banner.hidden = true;
    return;
  }
  if (banner.dataset.call === `${boardId}@${call.at}` && !banner.hidden) return;
  banner.dataset.call = `${boardId}@${call.at}`;
  const text = document.createElement("span");
  text.textContent = "The facilitator calls everyone to the plenary.";
  const go = document.createElement("a");
  go.href = `/b/${encodeURIComponent(call.board_id)}#token=${encodeURIComponent(token)}`;
  go.textContent = "Go to the plenary";
  go.id = "gather-link";
  const stay = document.createElement("button");
  stay.type = "button";
  stay.textContent = "Stay here";
  stay.addEventListener("click", () => {
    sessionStorage.setItem(SEEN_KEY, banner.dataset.call);
    banner.replaceChildren();
    banner.hidden = true;
  });
  banner.replaceChildren(text, go, stay);
  banner.hidden = false;
  const announce = document.getElementById("announce");
  if (announce) announce.textContent = "The facilitator calls everyone to the plenary: the link is at the top of the board.";
}

/** The banner, made once, under the board's other banners. */
function ensureRegion() {
  if (region) return region;
  region = document.createElement("div");
  region.id = "banner-gathered";
  region.className = "banner gathered";
  region.hidden = true;
  document.getElementById("banner-private").after(region);
  return region;
}
