// Why a job ended, read from what it printed last: the last line of a Python traceback, else the last error line.

/** A line in a job's output that says why it ended, and where that line starts (a character index in the text). */
export interface ErrorLine {
  text: string;
  index: number;
  kind: 'traceback' | 'error';
}

const ansi = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
const errorWords = /\b(error|exception|fatal|panic|segmentation fault|core dumped|aborted|killed|out of memory|oom)\b|errno/i;
const notAnError = /\b(warn(ing)?|deprecat\w*|0 errors?|no errors?)\b/i;

/** The lines of a text with the character index where each starts; a terminal's last redraw of each (after `\r`). */
function lines(text: string): Array<{ text: string; index: number }> {
  const out: Array<{ text: string; index: number }> = [];
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    const raw = text.slice(start, stop).replace(ansi, '');
    out.push({
      text: (
        raw
          .split('\r')
          .filter((part) => part.trim() !== '')
          .pop() ?? ''
      ).trimEnd(),
      index: start,
    });
    start = stop + 1;
  }
  return out;
}

/**
 * The line of a job's output that tells why it failed: the exception line of the last Python traceback
 * (`ZeroDivisionError: division by zero`), else the last line that reads as an error. Undefined when none does.
 */
export function findErrorLine(text: string): ErrorLine | undefined {
  const all = lines(text);
  let traceback = -1;
  for (let i = all.length - 1; i >= 0; i--) {
    if ((all[i] as { text: string }).text.startsWith('Traceback (most recent call last)')) {
      traceback = i;
      break;
    }
  }
  if (traceback !== -1) {
    // Frames are indented; the exception is the first line after them that is not.
    for (let i = traceback + 1; i < all.length; i++) {
      const line = all[i] as { text: string; index: number };
      if (line.text !== '' && !/^\s/.test(line.text)) return { text: line.text, index: line.index, kind: 'traceback' };
    }
  }
  for (let i = all.length - 1; i >= 0; i--) {
    const line = all[i] as { text: string; index: number };
    if (errorWords.test(line.text) && !notAnError.test(line.text)) return { text: line.text.trim(), index: line.index, kind: 'error' };
  }
  return undefined;
}
