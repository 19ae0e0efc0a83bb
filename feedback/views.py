import secrets
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from newsroom.origin import same_origin_post
from newsroom.ratelimits import over_limit

from . import limits, services
from .forms import TypoReportForm, VoteForm

READER_COOKIE = "kopij_lezer"
READER_COOKIE_AGE = timedelta(days=365)


def _visible_article(article_id: int) -> Article:
    return get_object_or_404(Article.objects.visible().select_related("section"), pk=article_id)


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _refused(request, *, status: int, title: str, message: str):
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    context = {"title": title, "message": message}
    return render(request, "feedback/refused.html", context, status=status)


def _too_many(request):
    return _refused(
        request,
        status=429,
        title=_("Too many attempts"),
        message=_("You have sent this form too often. Please wait a few minutes and try again."),
    )


def _back_to_article(article: Article, anchor: str) -> HttpResponseRedirect:
    # 303: the browser follows with a GET to the (cached) article page.
    return HttpResponseRedirect(f"{article.get_absolute_url()}#{anchor}", status=303)


def _unreadable_body(request) -> bool:
    # Django reads a urlencoded body that is not UTF-8 as Latin-1; refuse it instead.
    # (Percent-encoded and multipart garbage arrives as U+FFFD, which the forms refuse.)
    if request.content_type != "application/x-www-form-urlencoded":
        return False
    try:
        request.body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _unreadable(request):
    return _refused(
        request,
        status=400,
        title=_("The form could not be processed"),
        message=_("This text contains characters that cannot be read."),
    )


def _known_reader_token(request) -> str | None:
    """The random id in the reader's signed cookie; None for a reader we have not seen."""
    return request.get_signed_cookie(READER_COOKIE, default=None, salt=services.READER_SALT)


@require_POST
@same_origin_post
def vote(request, article_id: int):
    if over_limit(request, group="feedback.vote", rate=limits.VOTE_RATE):
        return _too_many(request)
    article = _visible_article(article_id)
    if _unreadable_body(request):
        return _unreadable(request)
    form = VoteForm(request.POST, article=article)
    # The reason form always sends its comment box; the Ja/Nee buttons never do.
    ask_reason = request.POST.get("useful") == "no" and "comment" not in request.POST
    if form.is_bot:
        return _vote_done(request, article, ask_reason=ask_reason)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"errors": form.errors}, status=400)
        # A reason the reader typed is shown again in its form, next to the errors.
        context = {"article": article, "form": form, "reason_form": "comment" in request.POST}
        return render(request, "feedback/form_error.html", context, status=400)
    token = _known_reader_token(request)
    if token is None:
        if over_limit(
            request,
            group=f"feedback.vote.new-reader.{article.pk}",
            rate=limits.NEW_READER_VOTE_RATE,
        ):
            return _too_many(request)
        token = secrets.token_urlsafe(18)
    services.vote_record(
        article=article,
        reader=services.reader_hash(reader_token=token),
        useful=form.cleaned_data["useful"],
        revision_number=form.cleaned_data["revision"],
        reason=form.cleaned_data["reason"],
        comment=form.cleaned_data["comment"],
    )
    response = _vote_done(request, article, ask_reason=ask_reason)
    response.set_signed_cookie(
        READER_COOKIE,
        token,
        salt=services.READER_SALT,
        max_age=int(READER_COOKIE_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _vote_done(request, article: Article, *, ask_reason: bool):
    if _wants_json(request):
        return JsonResponse({"ask_reason": ask_reason})
    return _back_to_article(article, "nuttig-waarom" if ask_reason else "nuttig-bedankt")


def _initial_revision(request, article: Article) -> int:
    try:
        revision = int(request.GET.get("revision", ""))
    except ValueError:
        return article.revision_number
    return revision if 1 <= revision <= article.revision_number else article.revision_number


@require_http_methods(["GET", "HEAD", "POST"])
@same_origin_post
def typo_report(request, article_id: int):
    if request.method == "POST" and over_limit(
        request, group="feedback.typo", rate=limits.TYPO_REPORT_RATE
    ):
        return _too_many(request)
    article = _visible_article(article_id)
    if request.method != "POST":
        form = TypoReportForm(
            article=article,
            initial={
                "revision": _initial_revision(request, article),
                "quote": request.GET.get("quote", "")[:500],
            },
        )
        return render(request, "feedback/typo_report_form.html", {"article": article, "form": form})

    if _unreadable_body(request):
        return _unreadable(request)
    form = TypoReportForm(request.POST, article=article)
    if form.is_bot:
        return _typo_report_done(request, article)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"errors": form.errors}, status=400)
        return render(
            request,
            "feedback/typo_report_form.html",
            {"article": article, "form": form},
            status=400,
        )
    data = form.cleaned_data
    services.typo_report_create(
        article=article,
        revision_number=data["revision"],
        quote=data["quote"],
        correction=data["correction"],
        comment=data["comment"],
        name=data["name"],
        email=data["email"],
    )
    return _typo_report_done(request, article)


def _typo_report_done(request, article: Article):
    if _wants_json(request):
        return JsonResponse({"message": _("Thank you! The editors will look at it.")})
    return _back_to_article(article, "taalfout-bedankt")
