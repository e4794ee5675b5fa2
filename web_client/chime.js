// A short chime (WebAudio) for the end of a timer. Browsers let a page make sound only after
// someone has interacted with it, so the audio context is made on the first click or key
// press; until then, or where audio is not allowed or not there, ringing does nothing (the
// banner still says it). Never throws.

export class Chime {
  constructor() {
    this.context = null;
    this.rung = 0; // how many times it sounded (for tests and the console)
  }

  /** Make the audio context on the first gesture (a context made earlier stays suspended). */
  listen() {
    const wake = () => {
      try {
        const Context = window.AudioContext ?? window.webkitAudioContext;
        if (!this.context && Context) this.context = new Context();
        if (this.context?.state === "suspended") this.context.resume().catch(() => {});
      } catch {
        this.context = null; // no audio here: the banner is enough
      }
    };
    for (const type of ["pointerdown", "keydown"]) {
      document.addEventListener(type, wake, { capture: true, passive: true });
    }
  }

  /** Three soft beeps, if this page may make sound now. */
  ring() {
    const ctx = this.context;
    if (!ctx || ctx.state !== "running") return false;
    try {
      const start = ctx.currentTime + 0.02;
      for (let i = 0; i < 3; i += 1) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = "sine";
        osc.frequency.value = 880;
        const at = start + i * 0.35;
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25);
        osc.connect(gain).connect(ctx.destination);
        osc.start(at);
        osc.stop(at + 0.3);
      }
      this.rung += 1;
      return true;
    } catch {
      return false;
    }
  }
}
