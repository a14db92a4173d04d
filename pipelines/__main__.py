"""`python -m pipelines run --period 2024` is the same as `baocao run --period 2024`."""

import sys

from pipelines.cli import main

sys.exit(main())
