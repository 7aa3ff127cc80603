"""The fleet: every municipality's stack synthesized, checked and its boundaries proven, in parallel.

    from gcbase.fleet.jobs import select          # which stacks (files, generated, --limit, --shard)
    from gcbase.fleet.run import run_fleet        # worker pool, DIR/results/<stack>.json, resume
    from gcbase.fleet.merge import merge          # result dirs (shards) -> one fleet report (dict)
    from gcbase.fleet.html import render          # the report as self-contained HTML

generate.py makes one realistic stack config per municipality; gcbase/check/speedups.py holds
what makes Checkov faster in a long-lived process (docs/PERFORMANCE.md, Fleet).
"""
