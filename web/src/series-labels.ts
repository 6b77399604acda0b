// Legend labels come from the server (src/server/charts.ts); the run page reads a little structure back from them.

/** The label of a `... max` series' mean (`machine max · training` → `machine · training`); other labels unchanged. */
export function meanLabel(label: string): string {
  return label.replace(/(?<! ·) max(?=$| · | \()/, '');
}
