"""``python -m blogtitles.parallel``: see :mod:`blogtitles.runs.parallel`."""

import sys

from blogtitles.runs.parallel import main

if __name__ == "__main__":
    sys.exit(main())
