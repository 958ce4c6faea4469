"""``python -m blogtitles.workers``: see :mod:`blogtitles.distributed.workers`."""

import sys

from blogtitles.distributed.workers import main

if __name__ == "__main__":
    sys.exit(main())
