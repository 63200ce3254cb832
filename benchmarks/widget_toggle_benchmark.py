"""How long a learner waits, in the kernel, between a click in the playground and the answer on screen.

    python benchmarks/widget_toggle_benchmark.py [--rounds 30]

Measures the kernel-side handlers of lesson 06's Playground (the same wiring a browser triggers):
a tick or untick of user/jonnung (UpdateAssumeRolePolicy, the automatic AssumeRole retry, the
bucket listing through the new credentials, the access matrix and the flow diagram), a press of
"Assume role", and an "Apply" in the policy editor. Target: <= 100 ms per handler. Not a test:
machines are noisy, so it prints figures (median, p90, max) instead of asserting.
"""

from __future__ import annotations

import argparse
import statistics
import time


def measure(action, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    verdict = "ok" if statistics.median(samples) <= 100 else "over the 100 ms target"
    print(
        f"{name:34} median {statistics.median(samples):6.1f} ms   p90 {p90:6.1f} ms   "
        f"max {max(samples):6.1f} ms  {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    from iamlab import Lab
    from iamlab.widgets import Playground

    with Lab() as lab:
        article = lab.setup_article()
        start = time.perf_counter()
        playground = Playground(lab, article)
        print(f"{'build the playground':34} {(time.perf_counter() - start) * 1000:6.1f} ms (once per lesson)")
        toggle, editor = playground.toggle, playground.editor
        toggle.button.click()  # from now on every tick retries AssumeRole, as in the lesson
        box = toggle.boxes[f"user/{article.user_name}"]
        ticks, unticks = [], []
        for _ in range(args.rounds):
            ticks += measure(lambda: setattr(box, "value", True), 1)
            assert "iamlab-success" in toggle.result.value
            unticks += measure(lambda: setattr(box, "value", False), 1)
            assert "iamlab-failure" in toggle.result.value
        report("tick -> success shown", ticks)
        report("untick -> AccessDenied shown", unticks)
        report("press Assume role (denied)", measure(toggle.button.click, args.rounds))
        box.value = True
        report("press Assume role (allowed)", measure(toggle.button.click, args.rounds))
        report("editor Apply (matrix refresh)", measure(editor.apply_button.click, args.rounds))
        report("matrix refresh alone", measure(playground.matrix.refresh, args.rounds))


if __name__ == "__main__":
    main()
