/** Which of a job's output streams. */
export type OutputStream = 'stdout' | 'stderr';

/** An entry of the output index: `length` bytes at `offset` of a stream arrived at `time`. */
export interface OutputChunk {
  stream: OutputStream;
  offset: number;
  length: number;
  time: number;
  /** In a joined run, the member whose output this is (RunMember.key): each member's streams are its own. */
  member?: string;
}
