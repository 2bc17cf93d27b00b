"""Where each page kind lives in the site: every fixed page path, in one place.

Paths are source paths (``pricing.md``), which MkDocs turns into URLs (``pricing/``).
The reference's paths derive from the spec (:mod:`portal_gen.plan.reference`); the
guides' from their files (``quickstarts/<id>.md``, ``tutorials/<id>.md``).
"""

from __future__ import annotations

HOME_PAGE = "index.md"  # unless the docs folder has its own
PRICING_PAGE = "pricing.md"
CASE_STUDY_DIR = "case-studies"  # one page per study under it
CASE_STUDY_INDEX = f"{CASE_STUDY_DIR}/index.md"
CASE_STUDY_SOURCES = "case_studies"  # in the content folder (inputs, never published as they are)
CHANGELOG_PAGE = "changelog.md"
CHANGELOG_FEED = "changelog.xml"  # its Atom feed
