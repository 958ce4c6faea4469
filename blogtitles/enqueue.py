"""``python -m blogtitles.enqueue``: see :mod:`blogtitles.distributed.enqueue`."""

import sys

from blogtitles.distributed.enqueue import main

if __name__ == "__main__":
    sys.exit(main())
