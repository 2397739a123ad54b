"""A Django 5.2 ASGI app, configured in code: sessions in signed cookies (no database), CSRF-protected
form login that redirects. Django does not support the lifespan protocol."""
import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="swift-asgi-testclient-fixture-not-secret",
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver", "localhost"],
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.sessions"],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
        ],
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
        USE_TZ=True,
    )
    django.setup()

from django.core.asgi import get_asgi_application  # noqa: E402
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse  # noqa: E402
from django.middleware.csrf import get_token  # noqa: E402
from django.urls import path  # noqa: E402


def index(request):
    return HttpResponse("plain response", content_type="text/plain")


def json_view(request):
    return JsonResponse({"hello": "world"})


def login(request):
    if request.method == "POST":
        if request.POST.get("password") != "s3cret":
            return HttpResponse("wrong password", status=403, content_type="text/plain")
        request.session["user"] = request.POST["user"]
        return HttpResponseRedirect("/me")
    token = get_token(request)
    return HttpResponse(
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="%s"></form>' % token,
        content_type="text/html",
    )


def me(request):
    return JsonResponse({"user": request.session.get("user")})


urlpatterns = [
    path("", index),
    path("json", json_view),
    path("login", login),
    path("me", me),
]

app = get_asgi_application()
