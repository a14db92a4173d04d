"""`python -m samplegen data`: rewrite the committed synthetic sample under `data/raw/<period>/`.

Why a `__main__`: the generator is a tool of the repository, not part of the `pipelines` package,
and this is the short way to run it (`python -m samplegen.sample data` does the same). It writes
only the committed sample; the sub-annual and remapped fixtures are made by the tests themselves,
into temporary folders (`samplegen.subannual`, `samplegen.remap`).
"""

import sys

from samplegen.sample import main

sys.exit(main())
