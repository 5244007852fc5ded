// Preload for `node --require bench/rss-probe.cjs <script>`: at exit, writes this process's own peak
// RSS in KiB (children not included) to $CODEXGUARD_BENCH_RSS_OUT. CommonJS, so that preloading it
// boots no ESM loader of its own; it deletes its variable so the measured script never sees it.
'use strict';
const out = process.env.CODEXGUARD_BENCH_RSS_OUT;
delete process.env.CODEXGUARD_BENCH_RSS_OUT;
if (out) {
  process.on('exit', () => {
    require('node:fs').writeFileSync(out, String(process.resourceUsage().maxRSS));
  });
}
