#!/usr/bin/env -S node --max-semi-space-size=64
// A simulation allocates many short- and medium-lived objects (events, records, state patches): a 64 MB young
// generation semi-space lets most of them die young instead of being copied and promoted, which runs a large
// model about a quarter faster than V8's default. `doppel serve` gives its simulation workers the same room.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv);
