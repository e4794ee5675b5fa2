// Undo and redo of my own changes (`change.undo`, `change.redo`; docs/api.md, "Undo and
// redo"): the Undo and Redo buttons, Ctrl+Z and Ctrl+Shift+Z (Cmd on macOS, Ctrl+Y too) when
// the focus is not in a text field. The server keeps each person's changes, also across
// reloads, so the page only knows what it saw: a button is disabled once the server said there
// is nothing to undo (redo), or my new change left nothing to redo. A refusal shows its message
// in the page's toast (app.js).

/** The commands whose change an undo takes back (domain/undo.py UNDOABLE). */
export const UNDOABLE = new Set([
  "note.add", "note.edit", "note.move", "note.recolour", "note.delete", "note.cluster",
  "cluster.create", "cluster.rename", "cluster.move", "cluster.delete",
]);

/** Whether `target` takes typed text: there Ctrl+Z undoes the typing, not a board change. */
function typing(target) {
  if (!(target instanceof Element)) return false;
  return target.isContentEditable || target.closest("input, textarea, select") !== null;
}

/** "undo" or "redo" for a key press that asks for one, else null. */
export function shortcut(ev) {
  if (!(ev.ctrlKey || ev.metaKey) || ev.altKey) return null;
  const key = ev.key.toLowerCase();
  if (key === "z") return ev.shiftKey ? "redo" : "undo";
  if (key === "y" && !ev.shiftKey) return "redo";
  return null;
}

export class UndoControls {
  /** `send(command)` sends a board command and returns its op_id (null if not sent). */
  constructor(send) {
    this.send = send;
    this.can = { undo: true, redo: true }; // unknown until the server says: assume there is
    this.ops = new Map(); // op_id → "undo" | "redo"
  }

  wire(doc = document) {
    doc.getElementById("undo").addEventListener("click", () => this.run("undo"));
    doc.getElementById("redo").addEventListener("click", () => this.run("redo"));
    doc.addEventListener("keydown", (ev) => {
      const which = shortcut(ev);
      if (!which || typing(ev.target)) return;
      ev.preventDefault();
      this.run(which);
    });
    this.render(doc);
  }

  run(which) {
    const opId = this.send({ type: which === "undo" ? "change.undo" : "change.redo" });
    if (!opId) return;
    this.ops.set(opId, which);
    // What I take back I may make again, and the other way round.
    this.can[which === "undo" ? "redo" : "undo"] = true;
    this.render();
  }

  /** A command of mine went out: a change of mine leaves nothing to redo. */
  sent(command) {
    if (!UNDOABLE.has(command.type)) return;
    this.can = { undo: true, redo: false };
    this.render();
  }

  /** The server refused `frame.op_id`: if it was an undo (redo) with nothing left, say so. */
  rejected(frame) {
    const which = this.ops.get(frame.op_id);
    this.ops.delete(frame.op_id);
    if (which && frame.code === `nothing_to_${which}`) this.can[which] = false;
    this.render();
  }

  render(doc = document) {
    for (const which of ["undo", "redo"]) {
      doc.getElementById(which).disabled = !this.can[which];
    }
  }
}
