"""`keras-serial fix`: libcst codemods that repair what the linter finds.

The findings come from the same checks as flake8's; each fixable code has a
small function that rewrites the libcst node the finding points at (its
class, its `def`, or its call), keeping the file's formatting and comments.
A line with `# noqa` (bare, or naming the code) is never fixed. A finding
with no safe fix says why.
"""

from .engine import FixResult, fix_source

__all__ = ["FixResult", "fix_source"]
