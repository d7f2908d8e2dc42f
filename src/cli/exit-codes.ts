/** Exit codes, as documented in the README. */
export const EXIT = {
  ok: 0,
  /** Scripts have problems (check errors). */
  problems: 1,
  /** Usage error, or nixpod could not run (missing file, bad template, write failure). */
  usage: 2,
  /** The cluster or its API failed. */
  cluster: 3,
} as const;
