// A one-line progress display on stderr that appears only on a terminal and only once an operation has run for a while.

/** update() redraws the line (after `delayMs`, on a TTY); done() erases it if it was ever shown. */
export interface ProgressLine {
  update(text: string): void;
  done(): void;
}

/** A progress line on `stream` (stderr by default), silent unless it is a TTY and `delayMs` (1 s) have passed. */
export function progressLine(stream: NodeJS.WriteStream = process.stderr, delayMs = 1000): ProgressLine {
  const started = Date.now();
  let shown = false;
  return {
    update(text) {
      if (!stream.isTTY || Date.now() - started < delayMs) return;
      shown = true;
      stream.write(`\r\x1b[K${text}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}

/** The text for a rotation progress event. */
export function describeProgress(db: string, event: { phase: string; done?: number; total?: number }): string {
  const share = event.total ? ` ${Math.floor(((event.done ?? 0) * 100) / event.total)}%` : '';
  return `codexguard: rotating ${db}: ${event.phase}${share}`;
}
