// Preloaded into every program the test engine runs (NODE_OPTIONS=--require), before the SDK's program runner.
//
// Why: Node.js 20's colored `util.inspect` of an Error loops until "Invalid string length" (about 20 s of CPU) when
// a stack frame lies under `node_modules/@scope/<file>` with no further slash. The SDK's own source maps produce
// exactly such frames (`node_modules/@pulumi/resource.ts`, because its maps point one directory too high), and
// `@pulumi/pulumi/cmd/run` formats every unhandled program error with `util.inspect(err, { colors: true })`. So each
// failed resource registration would stall the program for ~20 s. Uncolored inspection is unaffected: Errors are
// inspected without colors, which also keeps ANSI escapes out of the diagnostics that tests assert on.
"use strict";
const util = require("util");
const originalInspect = util.inspect;

function inspect(value, options, ...rest) {
    if (value instanceof Error && options !== null && typeof options === "object" && options.colors) {
        return originalInspect.call(this, value, { ...options, colors: false }, ...rest);
    }
    return originalInspect.call(this, value, options, ...rest);
}

for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(originalInspect))) {
    if (key !== "prototype" && key !== "length" && key !== "name") {
        Object.defineProperty(inspect, key, descriptor);
    }
}
util.inspect = inspect;
