"""``python -m kamlab.data.casegen [FOLDER] [--seed N] [--accounts N] [--start DATE] [--years N]``."""

import sys

from kamlab.data.casegen.write import main

if __name__ == "__main__":
    sys.exit(main())
