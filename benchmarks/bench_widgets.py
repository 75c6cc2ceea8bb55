"""Benchmark: how fast each explorer answers a control change in the browser (JupyterLab, headless Chromium).

Browser, server and kernel on the same machine, the case company (2,000 accounts). The script writes a
notebook that builds every explorer on the case data (one cell each), opens it in JupyterLab
(tests/browser_support.py: the harness of the browser tests, windowing off so every cell is in the page),
runs all cells and then drives one main control per explorer: **one move = one key press** on the
control's slider handle (or one option chosen in a drop-down). A ``performance.now()`` stamp is taken at
the key press (a capturing ``keydown`` listener), and the clock stops at the first animation frame after
the chart has changed: a MutationObserver on the cell's output area sees a new or changed ``img``,
``canvas`` or ``svg``, and a wrapper of ``CanvasRenderingContext2D.drawImage``/``putImageData`` sees a
canvas inside the cell being painted (ipympl paints its canvas without changing the DOM). The next move
starts only after that (and after the kernel has answered a no-op request, so a move never queues behind
the last one's leftovers); any debounce counts. Each explorer is driven once the kernel is idle (its CPU time
stops growing): the explorers fit and draw likely settings in worker threads when the page shows them and
after moves, and one explorer's work ahead would otherwise land on the next explorer's moves. Each slider goes towards its maximum and turns at the
end of its range, so a short range revisits settings (cached ones are then cheap: the table says how many
settings were new).

Besides the chart time the table shows the first visible feedback in the output area (text such as
"fitting…" counts) and the kernel-side time of the same moves: the explorer's ``update`` plus, for a live
(ipympl) figure, the rendering of the image the frontend asks for (``canvas.draw`` and
``get_diff_image``), summed per move inside the kernel. Work in background threads is not in it.

Usage::

    .venv/bin/python benchmarks/bench_widgets.py [--moves 20] [--only abc,portfolio] [--screenshots DIR]

Needs Playwright for Python and Debian's chromium (/usr/bin/chromium), like the browser tests. Prints
the load average at the start and the end: the numbers move with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import CHROMIUM, CHROMIUM_ARGS, running_lab  # noqa: E402

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

SETUP = """\
# bench: setup
import json, time
import numpy as np
import pandas as pd
import kamlab
from kamlab.plans.sections import ATTRACTIVENESS, POSITION

case = kamlab.load_case()
t25 = case.account_table(2025)
accounts = t25[t25["revenue"] > 0].reset_index(drop=True)
abc = kamlab.abc_analysis(accounts, value="revenue", thresholds=(0.8, 0.95), rule="cover")[["account_id", "abc"]]
rated = accounts.merge(case.ratings, on="account_id", how="left")
features = ["employees", "plants", "industry", "region", "country"]
lines25 = case.transactions[(case.transactions["date"].dt.year == 2025)
                            & case.transactions["account_id"].isin(accounts["account_id"])]
opportunities = kamlab.whitespace(lines25, accounts.set_index("account_id")[features])
names = accounts.set_index("account_id")["name"]
quotes = case.projects.copy()
quotes["log_revenue_12m"] = np.log1p(quotes["revenue_12m"].clip(lower=0) / 10_000)
quotes["log_quote_value"] = np.log(quotes["quote_value"])
covariates = ["log_revenue_12m", "log_quote_value", "competitors", "offering", "relationship_at_quote"]
account_info = case.accounts[["account_id", "key_account", "account_manager"]].merge(
    kamlab.abc_analysis(t25, value="revenue", thresholds=(0.8, 0.95), rule="cover")[["account_id", "abc"]],
    on="account_id", how="left")
SEG_FEATURES = ["revenue", "orders", "margin_rate", "recency_days", "n_offerings"]


class KernelClock:
    \"\"\"Kernel-side time per move: the explorer's update and the live figure's rendering, summed.\"\"\"

    def __init__(self):
        self.moves, self.depth = [], 0

    def _timed(self, function):
        def timed(*args, **kwargs):
            self.depth += 1
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.depth -= 1
                if self.depth == 0 and self.moves:
                    self.moves[-1] += time.perf_counter() - start
        return timed

    def watch(self, explorer):
        from matplotlib.figure import Figure

        explorer.update = self._timed(explorer.update)
        figures = {}
        for value in list(vars(explorer).values()):
            for candidate in (value, getattr(value, "figure", None)):
                if isinstance(candidate, Figure):
                    figures[id(candidate)] = candidate
        for figure in figures.values():
            canvas = figure.canvas
            for name in ("draw", "get_diff_image"):
                if hasattr(canvas, name):
                    setattr(canvas, name, self._timed(getattr(canvas, name)))
        return explorer

    def mark(self):
        self.moves.append(0.0)

    def take(self):
        moves, self.moves = self.moves, []
        print(json.dumps(moves))


CLOCK = KernelClock()
EX = {}
"""

# name -> (cell code, control kind, control selector inside the cell, index of the handle/select, label)
EXPLORERS = {
    "topshare": ("from kamlab.identify.widgets import TopShareExplorer\n"
                 "EX['topshare'] = CLOCK.watch(TopShareExplorer(accounts, percent=20))",
                 "slider", ".widget-slider .noUi-handle", 0, "top share: % slider"),
    "abc": ("from kamlab.identify.widgets import ABCExplorer\n"
            "EX['abc'] = CLOCK.watch(ABCExplorer({y: case.account_table(y) for y in (2023, 2024, 2025)}))",
            "slider", ".widget-slider .noUi-handle", 0, "ABC: A threshold"),
    "abc_value": (None, "select", ".widget-dropdown select", 0, "ABC: value chosen"),
    "segment": ("from kamlab.segment.widgets import SegmentExplorer\n"
                "EX['segment'] = CLOCK.watch(SegmentExplorer(accounts, SEG_FEATURES, k=4, choices=SEG_FEATURES + "
                "['db4_rate', 'employees']))",
                "slider", ".widget-slider .noUi-handle", 0, "segment: k"),
    "portfolio": ("from kamlab.portfolios.widgets import PortfolioExplorer\n"
                  "EX['portfolio'] = CLOCK.watch(PortfolioExplorer(rated, kamlab.ScoringModel(ATTRACTIVENESS), "
                  "kamlab.ScoringModel(POSITION), size='revenue', label_col='name'))",
                  "slider", ".widget-slider .noUi-handle", 0, "portfolio: first weight"),
    "potential": ("from kamlab.potential.widgets import PotentialExplorer\n"
                  "EX['potential'] = CLOCK.watch(PotentialExplorer(accounts.merge(abc, on='account_id'), features, "
                  "groups='abc', label_col='name', top=8))",
                  "slider", ".widget-slider .noUi-handle", 0, "potential: quantile"),
    "whitespace": ("from kamlab.potential.widgets import WhitespaceExplorer\n"
                   "EX['whitespace'] = CLOCK.watch(WhitespaceExplorer(opportunities, names=names, top=15))",
                   "slider", ".widget-slider .noUi-handle", 0, "whitespace: top accounts"),
    "pipeline": ("from kamlab.projects.widgets import PipelineExplorer\n"
                 "EX['pipeline'] = CLOCK.watch(PipelineExplorer(quotes, account_info, covariates, "
                 "truth=case.quote_truth))",
                 "slider", ".widget-slider .noUi-handle", 1, "follow-up: k1"),
    # the dashboard (kamlab.report.dashboard, also served by Voila): its first tab's explorer, driven inside it
    "dashboard": ("from kamlab.report.dashboard import Dashboard\n"
                  "EX['dashboard'] = Dashboard(case=case)\n"
                  "CLOCK.watch(EX['dashboard'].explorers['key_accounts'])",
                  "slider", ".widget-slider .noUi-handle", 0, "dashboard: ABC threshold"),
}
CELL_OF = {"abc_value": "abc"}

INSTALL_JS = """
() => {
  if (window.__bench) return;
  const B = window.__bench = {armed: false, root: null, t0: null, feedback: null, chart: null, observer: null};
  const controls = '.widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-select-multiple, ' +
                   '.widget-checkbox, .widget-button, .jp-InputArea';
  const isChart = (node) => node && node.nodeType === 1 && (
      /^(IMG|CANVAS|svg)$/.test(node.nodeName) || node.querySelector('img, canvas, svg'));
  const stamp = (what) => {
    if (!B.armed || B.t0 === null || B[what] !== null || B['pending_' + what]) return;
    B['pending_' + what] = true;
    requestAnimationFrame(() => { if (B.armed && B[what] === null) B[what] = performance.now(); });
  };
  B.stamp = stamp;
  document.addEventListener('keydown', () => { if (B.armed && B.t0 === null) B.t0 = performance.now(); }, true);
  document.addEventListener('input', () => { if (B.armed && B.t0 === null) B.t0 = performance.now(); }, true);
  for (const proto of [CanvasRenderingContext2D.prototype]) {
    for (const name of ['drawImage', 'putImageData']) {
      const original = proto[name];
      proto[name] = function (...args) {
        if (B.armed && B.root && B.root.contains(this.canvas)) { stamp('feedback'); stamp('chart'); }
        return original.apply(this, args);
      };
    }
  }
  B.arm = (root) => {
    B.root = root; B.t0 = B.feedback = B.chart = null;
    B.pending_feedback = B.pending_chart = false;
    if (B.observer) B.observer.disconnect();
    B.observer = new MutationObserver((mutations) => {
      for (const m of mutations) {
        const target = m.target.nodeType === 1 ? m.target : m.target.parentElement;
        if (target && target.closest(controls)) continue;
        stamp('feedback');
        const added = Array.from(m.addedNodes || []);
        if (added.some(isChart) || (m.type === 'attributes' && target && target.closest('svg, img, canvas'))
            || (target && target.closest('svg'))) stamp('chart');
      }
    });
    B.observer.observe(root, {subtree: true, childList: true, attributes: true, characterData: true,
                              attributeFilter: ['src', 'd', 'transform', 'points', 'width', 'height']});
    B.armed = true;
  };
  B.disarm = () => { B.armed = false; if (B.observer) B.observer.disconnect(); };
}
"""

KERNEL_EXEC_JS = """
async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, silent: false, store_history: false});
  let out = '';
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
    if (msg.header.msg_type === 'error') out += 'ERROR ' + msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  return out;
}
"""

ERRORS_JS = """
() => {
  const nb = window.jupyterapp.shell.currentWidget.context.model.toJSON();
  const found = [];
  nb.cells.forEach((cell, i) => (cell.outputs || []).forEach((out) => {
    if (out.output_type === 'error') found.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
  }));
  return found;
}
"""

START_RUN_ALL_JS = """
() => {
  window.__runAll = undefined;
  window.jupyterapp.commands.execute('notebook:run-all-cells').then(
    (ok) => { window.__runAll = {ok: ok === true}; }, (err) => { window.__runAll = {ok: false, error: String(err)}; });
}
"""


def load_average():
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def write_notebook(path, names):
    cells = [nbformat.v4.new_code_cell(SETUP)]
    for name in dict.fromkeys(CELL_OF.get(n, n) for n in names):
        cells.append(nbformat.v4.new_code_cell(f"# bench: {name}\n{EXPLORERS[name][0]}\nEX[{name!r}]"))
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}})
    nbformat.write(notebook, path)


def kernel(page, code):
    out = page.evaluate(KERNEL_EXEC_JS, code)
    if out.startswith("ERROR"):
        raise RuntimeError(f"kernel: {out}")
    return out


def wait_for_kernel(page, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = page.evaluate("""() => {
          const c = window.jupyterapp && window.jupyterapp.shell.currentWidget;
          const k = c && c.sessionContext && c.sessionContext.session && c.sessionContext.session.kernel;
          const d = document.querySelector('.jp-Dialog');
          return {kernel: k ? k.status : '', dialog: d ? d.textContent : ''};
        }""")
        if state["dialog"] and "kernel" in state["dialog"].lower():
            page.locator(".jp-Dialog .jp-mod-accept").first.click()
        elif state["kernel"] == "idle":
            return
        time.sleep(0.25)
    raise RuntimeError("the kernel did not become idle")


def percentile(values, q):
    ordered = sorted(values)
    rank = q / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def drive(page, name, moves, timeout_s, screenshots):
    """Make ``moves`` moves on the explorer's main control; return the timings (ms) per move."""
    _, kind, selector, index, _ = EXPLORERS[name]
    cell_name = CELL_OF.get(name, name)
    cells = page.locator(f"{PANEL} .jp-CodeCell")
    position = cells.evaluate_all(
        "(els, key) => els.findIndex((el) => (el.querySelector('.jp-InputArea') || {}).textContent"
        ".includes(key))", f"# bench: {cell_name}")
    cell = cells.nth(position)
    control = cell.locator(f".jp-OutputArea {selector}").nth(index)
    control.wait_for(state="attached", timeout=60_000)
    control.scroll_into_view_if_needed()
    time.sleep(1.0)
    records, direction = [], 1
    options = None
    if kind == "select":
        options = control.evaluate("(el) => Array.from(el.options).map((o) => o.value)")
    seen = set()
    for move in range(moves):
        kernel(page, "CLOCK.mark()")
        time.sleep(0.15)
        cell.evaluate("(el) => window.__bench.arm(el.querySelector('.jp-Cell-outputWrapper') || el)")
        if kind == "slider":
            now, low, high = (float(control.get_attribute(a)) for a in
                              ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
            if (direction > 0 and now >= high) or (direction < 0 and now <= low):
                direction = -direction
            control.focus()
            page.keyboard.press("ArrowRight" if direction > 0 else "ArrowLeft")
            setting = None
        else:
            current = control.evaluate("(el) => el.value")
            choice = options[(options.index(current) + 1) % len(options)]
            control.select_option(choice)
            setting = choice
        try:
            page.wait_for_function("() => window.__bench.chart !== null", timeout=timeout_s * 1000)
        except Exception as error:
            state = page.evaluate("() => ({t0: window.__bench.t0, feedback: window.__bench.feedback})")
            page.evaluate("() => window.__bench.disarm()")
            cell.screenshot(path=str(ROOT / ".tmp" / f"bench_widgets_{name}_failure.png"))
            raise RuntimeError(
                f"{name}: move {move + 1} ({setting}) changed no chart within {timeout_s} s ({state})"
            ) from error
        if setting is None:  # the slider's readout as it shows the value (aria-valuenow may be rounded)
            setting = control.evaluate("(el) => { const w = el.closest('.widget-slider'); "
                                       "const r = w && w.querySelector('.widget-readout'); "
                                       "return r ? r.textContent.trim() : null; }") \
                or round(float(control.get_attribute("aria-valuenow")), 6)
        stamp = page.evaluate("() => { const B = window.__bench; B.disarm(); "
                              "return {t0: B.t0, feedback: B.feedback, chart: B.chart}; }")
        records.append({"setting": setting, "new": setting not in seen,
                        "chart": stamp["chart"] - stamp["t0"], "feedback": stamp["feedback"] - stamp["t0"]})
        seen.add(setting)
    # let trailing messages arrive, then collect the kernel-side times of the moves
    time.sleep(0.5)
    kernel_times = json.loads(kernel(page, "CLOCK.take()").strip().splitlines()[-1])
    for record, seconds in zip(records, kernel_times):
        record["kernel"] = seconds * 1000
    if screenshots:
        screenshots.mkdir(parents=True, exist_ok=True)
        cell.screenshot(path=str(screenshots / f"{name}.png"))
    return records


def settle(workdir, window=1.0, busy=0.05, limit=90):
    """Wait until the notebook's kernel has done the work it started in the background (explorers fit and
    draw likely next settings in worker threads once the page shows them, and after moves): until its CPU
    time grows by less than ``busy`` of a second in ``window`` seconds. The seconds waited, or None after
    ``limit``. Each explorer is driven after that, as a student moves one explorer at a time. The kernel's
    child processes count with it (the potential explorer fits ahead in a worker process of the kernel)."""
    def cpu_seconds():
        stats, kernels = {}, set()
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    stats[pid] = fh.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    command = fh.read()
            except OSError:
                continue
            if b"ipykernel" in command and str(workdir).encode() in command:
                kernels.add(pid)
        if not kernels:
            raise RuntimeError(f"no kernel process of this run (its command line naming {workdir}) found")
        # the kernels and their children: user and system time, in clock ticks
        total = sum(int(f[11]) + int(f[12]) for pid, f in stats.items() if pid in kernels or f[1] in kernels)
        return total / os.sysconf("SC_CLK_TCK")

    start, last = time.monotonic(), cpu_seconds()
    while time.monotonic() - start < limit:
        time.sleep(window)
        now = cpu_seconds()
        if now - last < busy * window:
            return time.monotonic() - start
        last = now
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--only", default=",".join(EXPLORERS), help="comma-separated: " + ", ".join(EXPLORERS))
    parser.add_argument("--timeout", type=float, default=60, help="seconds a move may take")
    parser.add_argument("--screenshots", type=Path, help="folder for a screenshot of each explorer after its moves")
    parser.add_argument("--json", type=Path, help="write every move's timings here")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in EXPLORERS]
    if unknown:
        parser.error(f"unknown explorer {unknown[0]!r}; choose from {', '.join(EXPLORERS)}")
    if not CHROMIUM.exists():
        sys.exit(f"no Chromium at {CHROMIUM}: install Debian's chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    print(f"load average at start: {load_average()} ({os.cpu_count()} CPUs)")
    (ROOT / ".tmp").mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench_widgets_", dir=ROOT / ".tmp"))
    results = {}
    try:
        root = workdir / "lab-root"
        root.mkdir()
        notebook = root / "bench_widgets.ipynb"
        write_notebook(notebook, names)
        os.environ.setdefault("KAMLAB_DATA", str(ROOT.parent / "shared" / "datasets"))
        with running_lab(root, workdir / "lab-state") as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            console = []
            page.on("console", lambda message: message.type in ("error", "warning") and console.append(message.text))
            page.on("pageerror", lambda error: console.append(f"page error: {error}"))
            page.goto(server.url(f"lab/tree/{urllib.parse.quote(notebook.name)}"), wait_until="domcontentloaded",
                      timeout=60_000)
            page.wait_for_selector(f"{PANEL} .jp-CodeCell", timeout=60_000)
            wait_for_kernel(page)
            page.evaluate(START_RUN_ALL_JS)
            page.wait_for_function("() => window.__runAll !== undefined", timeout=600_000)
            outcome = page.evaluate("() => window.__runAll")
            if not outcome["ok"]:
                errors = page.evaluate(ERRORS_JS)
                raise RuntimeError(f"Run All failed: {outcome}; " + "\n".join(errors))
            page.evaluate(INSTALL_JS)
            time.sleep(2)
            for name in names:
                waited = settle(workdir)
                print(f"  {name}: kernel idle after {waited:.1f} s" if waited is not None else
                      f"  {name}: kernel still busy after 90 s", flush=True)
                try:
                    results[name] = drive(page, name, args.moves, args.timeout, args.screenshots)
                except RuntimeError as error:
                    print(f"  {name}: FAILED {error}\n  browser console: " + "\n  ".join(console[-10:]), flush=True)
                    continue
                print(f"  {name}: done", flush=True)
            browser.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"load average at end: {load_average()}")
    header = (f"{'explorer (control)':<28} {'moves':>5} {'new':>4} {'median':>8} {'p95':>8} {'max':>8} "
              f"{'feedback':>9} {'kernel':>8} {'k p95':>8}")
    print("\nms from key press to the repainted chart (feedback: first change in the output area; kernel: "
          "update + rendering in the kernel, medians unless noted)")
    print(header)
    print("-" * len(header))
    for name, records in results.items():
        chart = [r["chart"] for r in records]
        kernel_ms = [r.get("kernel", float("nan")) for r in records]
        verdict = "ok" if statistics.median(chart) <= 100 and percentile(chart, 95) <= 250 else "MISS"
        print(f"{EXPLORERS[name][4]:<28} {len(records):>5} {sum(r['new'] for r in records):>4} "
              f"{statistics.median(chart):>8.0f} {percentile(chart, 95):>8.0f} {max(chart):>8.0f} "
              f"{statistics.median(r['feedback'] for r in records):>9.0f} {statistics.median(kernel_ms):>8.0f} "
              f"{percentile(kernel_ms, 95):>8.0f}  {verdict}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
