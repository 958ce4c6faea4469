"""``python -m blogtitles.merge``: see :mod:`blogtitles.runs.merge`."""

import sys

from blogtitles.runs.merge import main

if __name__ == "__main__":
    sys.exit(main())
