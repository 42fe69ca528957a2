"""Views of the mediation system (to be filled in)."""

urlpatterns: list = []
