// Colour on a terminal, for statuses and warnings: off when the stream is not a terminal, when NO_COLOR is set
// (no-color.org) or TERM is dumb; FORCE_COLOR (anything but 0 or false) turns it on even into a pipe.

/** Whether text written to `stream` should carry colours. */
export function colorEnabled(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return (stream as { isTTY?: boolean }).isTTY === true && env.TERM !== 'dumb';
}

const sgr = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;
export type Color = keyof typeof sgr;

/** Colours for one stream: each function returns its text unchanged when colour is off. */
export interface Paint {
  readonly enabled: boolean;
  (color: Color, text: string): string;
  /** A run status in its colour: succeeded green, failed red, killed and lost yellow, running cyan. */
  status(status: string): string;
}

const statusColors: Record<string, Color> = { succeeded: 'green', failed: 'red', killed: 'yellow', lost: 'yellow', running: 'cyan' };

/** The colours for text written to `stream`. */
export function paintFor(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv): Paint {
  const enabled = colorEnabled(stream, env);
  const paint = (color: Color, text: string) => (enabled && text !== '' ? `\u001b[${sgr[color]}m${text}\u001b[0m` : text);
  return Object.assign(paint, {
    enabled,
    status: (status: string) => {
      const color = statusColors[status];
      return color === undefined ? status : paint(color, status);
    },
  });
}
