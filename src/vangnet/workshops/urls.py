from django.urls import path

from . import views

app_name = "workshops"

urlpatterns = [
    path("workshops/", views.home, name="home"),
    path("workshops/sessie/<int:pk>/", views.session, name="session"),
    path("workshops/sessie/<int:pk>/agenda.ics", views.session_ics, name="session_ics"),
    path("workshops/sessie/<int:pk>/aanmelden/", views.register, name="register"),
    path("workshops/sessie/<int:pk>/afmelden/", views.cancel, name="cancel"),
    path("workshops/sessie/<int:pk>/doorverwijzen/", views.refer, name="refer"),
    path("workshops/sessie/<int:pk>/evaluatie/", views.evaluate, name="evaluate"),
    path("workshops/sessie/<int:pk>/reflectie/", views.reflect, name="reflect"),
    path("workshops/sessie/<int:pk>/gehouden/", views.mark_held, name="mark_held"),
    path("workshops/sessie/<int:pk>/duo/", views.duo, name="duo"),
    path("workshops/sessie/<int:pk>/annuleren/", views.session_cancel, name="session_cancel"),
    path("workshops/sessie/<int:pk>/verplaatsen/", views.session_move, name="session_move"),
    path("workshops/aanvragen/", views.request_new, name="request_new"),
    path("workshops/pools/", views.pools, name="pools"),
    path("workshops/pools/<int:pk>/", views.pool, name="pool"),
    path("workshops/pools/<int:pk>/cijfers/", views.figures, name="figures"),
    path("workshops/pools/<int:pk>/begeleider/", views.facilitator_add, name="facilitator_add"),
    path("workshops/begeleider/<int:pk>/", views.facilitator, name="facilitator"),
    path("workshops/begeleider/<int:pk>/actief/", views.facilitator_active,
         name="facilitator_active"),
    path("workshops/pools/<int:pk>/aansluiten/", views.pool_join, name="pool_join"),
    path("workshops/pools/<int:pk>/aanbod/nieuw/", views.offer_new, name="offer_new"),
    path("workshops/aanbod/<int:pk>/", views.offer, name="offer"),
    path("workshops/aanbod/<int:pk>/sessie/nieuw/", views.session_new, name="session_new"),
    path("workshops/aanvraag/<int:pk>/", views.request_match, name="request_match"),
]
