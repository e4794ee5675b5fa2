// Plenary's web client: a workshop's boards, and a board with its notes and clusters.
import { Api, claimsOf } from "./api.js";

const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(location.hash.slice(1)).get("token")
  ?? sessionStorage.getItem("plenary-token");

function setStatus(text) { $("status").textContent = text; }

async function showWorkshop(api, workshopId) {
  const workshop = await api.workshop(workshopId);
  $("workshop").hidden = false;
  $("workshop-title").textContent = workshop.title;
  $("title").textContent = workshop.title;
  for (const board of workshop.boards) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `/b/${board.id}#token=${encodeURIComponent(token)}`;
    link.textContent = `${board.title} (${board.kind})`;
    item.append(link);
    $("boards").append(item);
  }
}

function renderBoard(view) {
  const canvas = $("canvas");
  canvas.replaceChildren();
  $("title").textContent = view.title;
  for (const cluster of Object.values(view.clusters)) {
    const el = document.createElement("div");
    el.className = "cluster";
    el.style.left = `${cluster.x}px`;
    el.style.top = `${cluster.y}px`;
    el.textContent = cluster.label;
    canvas.append(el);
  }
  for (const note of Object.values(view.notes)) {
    const el = document.createElement("div");
    el.className = `note ${note.colour}`;
    el.dataset.id = note.id;
    el.style.left = `${note.x}px`;
    el.style.top = `${note.y}px`;
    el.textContent = note.text;
    canvas.append(el);
  }
  setStatus(`version ${view.version} · ${Object.keys(view.notes).length} notes`);
}

function enableDragging(api, boardId, refresh) {
  const canvas = $("canvas");
  canvas.addEventListener("pointerdown", (down) => {
    const note = down.target.closest(".note");
    if (!note) return;
    note.setPointerCapture(down.pointerId);
    note.classList.add("dragging");
    const startX = parseFloat(note.style.left), startY = parseFloat(note.style.top);
    const move = (ev) => {
      note.style.left = `${startX + ev.clientX - down.clientX}px`;
      note.style.top = `${startY + ev.clientY - down.clientY}px`;
    };
    const up = async () => {
      note.removeEventListener("pointermove", move);
      note.classList.remove("dragging");
      const x = parseFloat(note.style.left), y = parseFloat(note.style.top);
      if (x !== startX || y !== startY) {
        await api.command(boardId, { type: "note.move", note_id: note.dataset.id, x, y })
          .catch((e) => setStatus(e.message));
        refresh();
      }
    };
    note.addEventListener("pointermove", move);
    note.addEventListener("pointerup", up, { once: true });
  });
}

async function showBoard(api, boardId) {
  $("board").hidden = false;
  let version = -1;
  const refresh = async () => {
    try {
      const view = await api.board(boardId);
      if (view.version !== version) { version = view.version; renderBoard(view); }
    } catch (e) { setStatus(e.message); }
  };
  $("add-note").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = $("note-text").value.trim();
    if (!text) return;
    await api.command(boardId, {
      type: "note.add", note_id: crypto.randomUUID(), text,
      x: 40 + Math.random() * 600, y: 40 + Math.random() * 300, colour: $("note-colour").value,
    }).then(() => { $("note-text").value = ""; }).catch((e) => setStatus(e.message));
    refresh();
  });
  enableDragging(api, boardId, refresh);
  await refresh();
  setInterval(refresh, 2000);
}

async function main() {
  if (!token) { $("home").hidden = false; return; }
  sessionStorage.setItem("plenary-token", token);
  const claims = claimsOf(token);
  $("who").textContent = `${claims.name || "you"} · ${claims.role}`;
  const [, kind, id] = location.pathname.split("/");
  if (kind === "b") await showBoard(new Api(token), id);
  else await showWorkshop(new Api(token), id ?? claims.wid);
}

main().catch((e) => setStatus(e.message));
