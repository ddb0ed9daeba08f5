from django.urls import URLPattern, URLResolver

app_name = "quizzes"

urlpatterns: list[URLPattern | URLResolver] = []
