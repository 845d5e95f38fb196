"""The editors' side of the CMS: Wagtail admin view sets, forms, scoped views, reports, imports."""
