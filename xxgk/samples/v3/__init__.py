"""Sample world v3: layout variation per CMS family, split into a dev set and a held-out set."""

from .sets import SETS, generate_set, recipes

__all__ = ["SETS", "generate_set", "recipes"]
