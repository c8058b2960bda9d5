from django.conf import settings


def c2f(request):
    return {"C2F_DEBUG": settings.DEBUG}
