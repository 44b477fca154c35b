from django.contrib.auth import views as auth_views
from django.urls import path

from jiefen.accounts.forms import StaffLoginForm
from jiefen.web import views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", authentication_form=StaffLoginForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
]
