"""Timing helper shared by the benchmarks (run them as scripts: this folder is then on the path)."""

import time


def best_of(function, repeat):
    """Run ``function`` ``repeat`` times; return the shortest time in seconds and the last result."""
    times, result = [], None
    for _ in range(repeat):
        result = None  # the last result is not held while the next is made: a peak memory is one run's
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result
