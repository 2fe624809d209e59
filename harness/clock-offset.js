// Preloaded (node --require) into a provider host to run it with a wrong wall clock: Date and Date.now are off by
// CLOCK_OFFSET_MS milliseconds, as on a machine whose clock has drifted. Timers are unaffected, as they are there.
"use strict";
const offset = Number(process.env.CLOCK_OFFSET_MS || "0");
const RealDate = Date;
class SkewedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offset;
  }
}
globalThis.Date = SkewedDate;
