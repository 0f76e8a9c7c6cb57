"""A tiny run of the Slack benchmark, so it keeps working."""

from __future__ import annotations

import argparse

from bench.slack import bench, print_table


async def test_bench_smoke(capsys: object) -> None:
    args = argparse.Namespace(requests=16, concurrency=4, stories=5, warmup=4, rounds=2, seed=1,
                              modes=[False, True])
    results = await bench(args)
    assert len(results) == 2
    for floor, brief in results:
        assert len(floor.latencies) == len(brief.latencies) == 16
        assert floor.errors == brief.errors == 0
    print_table(results, args)
