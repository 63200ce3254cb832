"""`python -m iamlab serve`: the same as the `iamlab serve` console script."""

from iamlab.cli import main

raise SystemExit(main())
