// Preloaded (NODE_OPTIONS=--require) by the benchmark into every Node process it starts: on exit,
// appends this process's peak resident memory to $BENCH_RSS_FILE, so the benchmark can report the
// peak of a run that spans several processes (tsx starts a child).
const { appendFileSync } = require("node:fs");
const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on("exit", () => {
    appendFileSync(file, `${JSON.stringify({ pid: process.pid, maxRssKb: process.resourceUsage().maxRSS })}\n`);
  });
}
