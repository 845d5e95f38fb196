"""URLs of this part of the API (filled in by its issue)."""

urlpatterns = []
