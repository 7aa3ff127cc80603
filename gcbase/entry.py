"""The `gcbase` command's entry point (pyproject.toml [project.scripts]): gcbase/cli.py's main, with one thing
done before anything else is imported. For `gcbase check` the second process that loads Checkov
(gcbase/check/offload.py) is started first, so its ~1 s of loading overlaps this process's own imports and
reading of the inputs. Only a hint: a command line that turns out not to check anything (a usage error) closes
the child unused; the results never depend on it."""

from __future__ import annotations

import sys


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] == ["check"] and not {"-h", "--help"} & set(argv):
        from gcbase.check import offload

        offload.start()
    from gcbase.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
