"""Reporting a suite's results: a rich table, JSON, a Markdown section and a chart."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from rich.table import Table

from sparkflight.benchmarks.runner import Measurement, Results

BASELINE = "sparkflight"


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _gib(value: float) -> str:
    return f"{value / (1 << 30):.2f} GiB"


def _cell(m: Measurement, memory: bool) -> str:
    if m.error is not None and not m.seconds:
        return f"failed: {m.error[:80]}"
    if memory and m.peak_rss:
        text = f"peak {_gib(max(m.peak_rss))} (from {_gib(min(m.base_rss))}), {_seconds(m.median)}"
    elif len(m.seconds) > 1:
        text = f"{_seconds(m.median)} ({_seconds(min(m.seconds))}–{_seconds(max(m.seconds))})"
    else:
        text = _seconds(m.median)
    extra = [f"{name} {m.metric(name):.1f}" for name in (m.metrics[0] if m.metrics else {})]
    if extra and not memory:
        text += "; " + ", ".join(extra)
    if m.wrong is not None:
        text += f" WRONG: {m.wrong[:80]}"
    return text


def _ratio(results: Results, case: str, target: str) -> str:
    base = results.at(case, BASELINE).median if BASELINE in results.targets else None
    value = results.at(case, target).median
    if base is None or value is None or target == BASELINE:
        return ""
    return f"{value / base:.2f}x"


def _rows(results: Results) -> tuple[list[str], list[list[str]]]:
    memory = any(
        m.peak_rss for by_target in results.measurements.values() for m in by_target.values()
    )
    others = [t for t in results.targets if t != BASELINE]
    header = ["case", *results.targets] + [
        f"{t} / {BASELINE}" for t in others if BASELINE in results.targets
    ]
    rows = []
    for case in results.cases:
        row = [case] + [_cell(results.at(case, t), memory) for t in results.targets]
        if BASELINE in results.targets:
            row += [_ratio(results, case, t) for t in others]
        rows.append(row)
    if len(results.cases) > 1 and not memory:
        totals = []
        for target in results.targets:
            medians = [results.at(case, target).median for case in results.cases]
            totals.append(_seconds(sum(medians)) if None not in medians else "-")
        row = ["total of medians", *totals]
        if BASELINE in results.targets:
            base = [results.at(c, BASELINE).median for c in results.cases]
            for target in others:
                values = [results.at(c, target).median for c in results.cases]
                ok = None not in base and None not in values
                row.append(f"{sum(values) / sum(base):.2f}x" if ok else "")
        rows.append(row)
    return header, rows


def rich_table(results: Results) -> Table:
    """Median (min–max) per case and target, and each target's ratio to sparkflight."""
    header, rows = _rows(results)
    table = Table(title=f"{results.suite}: median (min–max) of {results.runs} runs")
    for name in header:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def markdown(results: Results, chart: str | None = None) -> str:
    """A Markdown section: the command, the machine and load, the table, the chart."""
    header, rows = _rows(results)
    machine = results.machine
    lines = [
        f"## {results.suite}",
        "",
        f"`{results.command}`" if results.command else "",
        "",
        f"{results.started} to {results.finished} UTC; {machine['cpu']}, {machine['cores']} "
        f"cores, {machine['memory GiB']} GiB; load average {machine['load average']} at start, "
        f"{machine.get('load average at end')} at end; pyspark {machine['pyspark']}, pyarrow "
        f"{machine['pyarrow']}, Python {machine['python']}. Spark: "
        + ", ".join(f"{k}={v}" for k, v in results.settings.items() if not k.startswith("spark.ui"))
        + f". {results.warmup} warm-up and {results.runs} measured runs per case and target.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows),
        "",
    ]
    if chart:
        lines += [f"![{results.suite}]({chart})", ""]
    return "\n".join(lines)


def write_json(results: Results, path: Path) -> None:
    path.write_text(json.dumps(asdict(results), indent=2, default=str) + "\n")


def write_chart(results: Results, path: Path) -> None:
    """Grouped bars: each case's median per target (peak memory for the memory suite)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    memory = results.suite == "memory"
    cases = results.cases
    width = 0.8 / max(1, len(results.targets))
    figure, axes = plt.subplots(figsize=(max(6.0, 0.6 * len(cases) + 3), 4.5))
    for index, target in enumerate(results.targets):
        values = []
        for case in cases:
            m = results.at(case, target)
            if memory:
                ok = m.peak_rss and m.error is None
                values.append(max(m.peak_rss) / (1 << 30) if ok else 0.0)
            else:
                values.append(m.median if m.median is not None else 0.0)
        positions = [
            i + (index - (len(results.targets) - 1) / 2) * width for i in range(len(cases))
        ]
        axes.bar(positions, values, width, label=target)
        for position, case in zip(positions, cases, strict=True):
            if results.at(case, target).error is not None:
                axes.text(position, 0, "failed", rotation=90, ha="center", va="bottom", fontsize=8)
    axes.set_xticks(range(len(cases)))
    axes.set_xticklabels(cases, rotation=30 if len(cases) > 3 else 0, ha="right", fontsize=8)
    axes.set_ylabel("peak server RSS (GiB)" if memory else "median seconds (lower is better)")
    if not memory and results.suite == "latency":
        axes.set_yscale("log")
    axes.set_title(f"{results.suite} ({results.machine['cores']} cores)")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
