"""URLs of the mediation system: each part's views module declares its own patterns."""

from mediation.views import agreements, backlog, disputes, figures, network

app_name = "mediation"

urlpatterns = [*disputes.urlpatterns, *agreements.urlpatterns, *network.urlpatterns, *figures.urlpatterns]
urlpatterns += backlog.urlpatterns
