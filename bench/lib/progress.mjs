// One progress line on stderr while the systems run: redrawn in place on a terminal, one line per finished
// system otherwise (so logs stay readable and stdout keeps only the results).

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

/** @param {number} seconds */
function clock(seconds) {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** @param {number} total systems to run */
export function createProgress(total, stream = process.stderr) {
  const started = performance.now();
  const tty = stream.isTTY === true;
  let lastDraw = 0;
  const elapsed = () => (performance.now() - started) / 1000;
  return {
    /**
     * @param {number} index 0-based position of the running system
     * @param {string} label
     * @param {number} fraction how far that system is, 0..1
     * @param {string} step
     */
    update(index, label, fraction, step) {
      if (!tty) return;
      const now = performance.now();
      if (now - lastDraw < REDRAW_MS) return;
      lastDraw = now;
      const overall = Math.min(1, (index + Math.min(1, Math.max(0, fraction))) / total);
      const filled = Math.round(overall * BAR_WIDTH);
      const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
      const line = `bench ${bar} ${String(Math.round(overall * 100)).padStart(3)}% ${clock(elapsed())}  [${index + 1}/${total}] ${label} · ${step}`;
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
    },
    /** @param {number} index @param {string} label @param {number} seconds @param {string} [outcome] */
    done(index, label, seconds, outcome = 'done') {
      if (tty) {
        lastDraw = 0;
        return;
      }
      stream.write(`bench [${index + 1}/${total}] ${label}: ${outcome} in ${seconds.toFixed(1)} s\n`);
    },
    finish() {
      if (tty) stream.write('\r\x1b[2K');
      stream.write(`bench: ${total} measurements in ${clock(elapsed())}\n`);
    },
  };
}
