/**
 * The emulator's clock. Flow schedules are hours or days apart, so tests cannot wait for runs: they move this clock
 * instead (`emulator.clock.advance(ms)`), and every time-dependent rule (audit times, etags, when a run is due, when
 * it finishes, whether a flow's start time has passed) reads it. Without a call to `advance`/`set` it is real time.
 */
export class EmulatorClock {
  private offsetMs = 0;

  constructor(private readonly source: () => number = Date.now) {}

  /** Epoch milliseconds. Never goes backwards between calls unless `set` moves it. */
  now(): number {
    return this.source() + this.offsetMs;
  }

  /** Moves the clock forward (ms ≥ 0). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock.advance needs a non-negative number of ms, got ${ms}`);
    this.offsetMs += ms;
  }

  /** Sets the current time (epoch ms). */
  set(epochMs: number): void {
    if (!Number.isFinite(epochMs)) throw new RangeError(`clock.set needs epoch milliseconds, got ${epochMs}`);
    this.offsetMs = epochMs - this.source();
  }
}
