"""Column discovery by evidence: what a page is (list, landing, article, content), which links on it
could be columns, where a found column sits in the tree, the site's channels and the main content
block. Nothing here depends on class or id names; CMS adapters only speed things up.
"""
