"""The dashboard kit every link's pages are built from: who may open a page, the generic list,
detail and form views, form and chart helpers, counting helpers, the downstream-lineage registry
and the shape of a link's progress on a cycle. It imports no link and no ``c2f``."""
