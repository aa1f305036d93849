// Preloaded into the Prism process (NODE_OPTIONS=--require …) by startPrism: Prism exits as soon as the process that
// started it goes away, even when that one was killed outright, because its stdin (a pipe from that process) closes.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
