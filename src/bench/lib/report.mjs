// The readable table: each figure per workload, its range over the runs for each server, and the
// ratio of the medians (first server / second server, i.e. wschat / Node).

const FIGURES = {
  traffic: [
    ['deliveries_per_s', 'deliveries/s', 0],
    ['p50_ms', 'p50 latency ms', 1],
    ['p99_ms', 'p99 latency ms', 1],
    ['max_ms', 'max latency ms', 1],
    ['lost', 'lost', 0],
    ['duplicates', 'duplicates', 0],
    ['server_cpu_us_per_delivery', 'server CPU µs/delivery', 2],
    ['server_switches_per_delivery', 'server context switches/delivery', 2],
    ['server_jit_cpu_pct', 'server CPU in JIT compilers, %', 1],
    ['frames_per_delivery', 'frames received/delivery', 2],
    ['server_rss_kib', 'server RSS MiB', 1, (v) => v / 1024],
  ],
  storm: [
    ['ready_s', 'all welcomed (on /echo: open), s', 2],
    ['frames_per_connection', 'frames received per conn.', 1],
    ['bytes_per_connection', 'KiB received per conn.', 1, (v) => v / 1024],
    ['server_cpu_ms_per_connection', 'server CPU ms/conn.', 2],
    ['server_jit_cpu_pct', 'server CPU in JIT compilers, %', 1],
    ['connect_errors', 'connect errors', 0],
    ['close_s', 'all closed by the clients, s', 2],
  ],
  idle: [
    ['kib_per_connection', 'memory KiB/conn. (RSS)', 1],
    ['opened', 'opened', 0],
    ['still_open', 'still open after hold', 0],
    ['pings_per_connection', 'pings received per conn.', 1],
    ['hold_server_cpu_pct', 'server CPU % while idle', 2],
    ['ready_s', 'all open/welcomed, s', 2],
    ['close_s', 'all closed by the clients, s', 2],
    ['close_timeouts', 'closes unanswered in 30 s', 0],
  ],
  start: [
    ['start_ms', 'spawn to first accepted conn., ms', 0],
    ['server_start_ms', 'server process start to first accepted, ms', 0],
  ],
  stop: [['stop_s', 'SIGTERM to exit, s (after clients closed)', 1]],
};

const kindOf = (workload) =>
  workload === 'start' || workload === 'stop' ? workload : workload.startsWith('storm') ? 'storm' : workload.startsWith('idle') || workload.startsWith('echo') ? 'idle' : 'traffic';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};

function fmt(v, digits) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  if (Math.abs(v) >= 10000) return `${(v / 1000).toFixed(0)}k`;
  return v.toFixed(digits);
}

function range(values, digits) {
  if (values.length === 0) return '-';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return fmt(lo, digits) === fmt(hi, digits) ? fmt(lo, digits) : `${fmt(lo, digits)}–${fmt(hi, digits)}`;
}

/** The table as text; servers in the order given (the ratio is the first over the last). */
export function table(results, servers) {
  const workloads = [...new Set(results.map((r) => r.workload))];
  const last = servers.length - 1;
  const rows = [['workload', 'figure', ...servers, last > 0 ? `${servers[0]}/${servers[last]}` : '']];
  for (const w of workloads) {
    for (const [key, name, digits, scale = (v) => v] of FIGURES[kindOf(w)]) {
      const values = servers.map((s) =>
        results.filter((r) => r.workload === w && r.server === s && typeof r[key] === 'number').map((r) => scale(r[key])));
      if (values.every((v) => v.length === 0)) continue;
      let ratio = '';
      if (last > 0 && values[0].length && values[last].length && median(values[last]) !== 0) {
        ratio = `${(median(values[0]) / median(values[last])).toFixed(2)}×`;
      }
      rows.push([w, name, ...values.map((v) => range(v, digits)), ratio]);
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => r.map((cell, c) => (c < 2 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  ')];
  let previous = null;
  for (const r of rows.slice(1)) {
    out.push(line(r[0] === previous ? ['', ...r.slice(1)] : r));
    previous = r[0];
  }
  return out.join('\n');
}
