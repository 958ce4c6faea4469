"""``python -m blogtitles.collect``: see :mod:`blogtitles.distributed.collect`."""

import sys

from blogtitles.distributed.collect import main

if __name__ == "__main__":
    sys.exit(main())
