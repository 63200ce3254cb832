"""Repository-wide pytest hooks: report how long the lessons take under nbval."""

from collections import defaultdict


def pytest_terminal_summary(terminalreporter):
    """Print nbval's time per notebook and in all, so the lessons' budget (90 s) stays visible."""
    per_notebook = defaultdict(float)
    for reports in terminalreporter.stats.values():
        for report in reports:
            nodeid = getattr(report, "nodeid", "")
            path = nodeid.split("::")[0]
            if path.endswith(".ipynb") and getattr(report, "when", "call") == "call":
                per_notebook[path] += report.duration
    if not per_notebook:
        return
    total = sum(per_notebook.values())
    terminalreporter.section("nbval time")
    for path, seconds in sorted(per_notebook.items()):
        terminalreporter.write_line(f"{seconds:6.1f} s  {path}")
    count = len(per_notebook)
    terminalreporter.write_line(f"{total:6.1f} s  all {count} notebooks (cell time, summed over workers)")
