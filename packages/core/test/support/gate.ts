/** A point a test holds a call at: `reached` resolves when the call gets there, `release()` lets it on. */
export interface Gate {
  readonly reached: Promise<void>;
  release(): void;
}

/** A gate, and what the held call uses: `arrive()` when it gets there, then `await released`. */
export function gate(): { gate: Gate; arrive: () => void; released: Promise<void> } {
  let arrive!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((resolve) => (arrive = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  return { gate: { reached, release: () => release() }, arrive, released };
}
