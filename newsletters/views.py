from django.conf import settings
from django.core import signing
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.generic import DetailView, ListView

from edge import tags
from edge.tags import tag_page
from newsroom.caching import public_page
from newsroom.origin import same_origin_post
from newsroom.ratelimits import over_limit

from .forms import SignupForm
from .models import ConsentRecord, Edition, Subscriber
from .selectors import edition_sections
from .services import subscribers
from .tokens import read_confirm_token, read_unsubscribe_token

ARCHIVE_PAGE_SIZE = 20
ONE_CLICK = "One-Click"


def _message(request, *, title: str, text: str, status: int = 200, **extra):
    context = {"title": title, "text": text, **extra}
    return render(request, "newsletters/message.html", context, status=status)


def _link_invalid(request):
    return _message(
        request,
        title=_("This link no longer works"),
        text=_(
            "The link is incomplete, has expired or was already replaced. "
            "Sign up again to receive a new one."
        ),
        status=400,
        signup_link=True,
    )


@public_page
@require_safe
def signup_page(request):
    return render(request, "newsletters/signup.html", {"form": SignupForm()})


# The article page is cached whole and carries no CSRF token: same_origin_post
# checks the browser's Sec-Fetch-Site/Origin instead, for every form posting here.
@same_origin_post
@require_POST
def subscribe(request):
    if over_limit(request, group="newsletters.signup", rate=settings.NEWSLETTER_SIGNUP_RATE):
        return _message(
            request,
            title=_("Too many sign-ups"),
            text=_("Too many sign-ups came from your connection. Please try again later."),
            status=429,
        )
    form = SignupForm(request.POST)
    if form.is_bot:
        # Answered as any sign-up is, so the bot learns nothing; nothing is recorded.
        return redirect("newsletters:pending")
    if not form.is_valid():
        return render(request, "newsletters/signup.html", {"form": form}, status=400)
    subscribers.subscriber_signup(
        email=form.cleaned_data["email"], source=form.cleaned_data["source"]
    )
    return redirect("newsletters:pending")


@public_page
@require_safe
def pending(request):
    return _message(
        request,
        title=_("Check your mailbox"),
        text=_(
            "If this address can still subscribe, you will receive an e-mail with a link "
            "to confirm your subscription. Only after you confirm do we send the newsletter."
        ),
    )


def _consent_from_token(token: str) -> ConsentRecord | None:
    try:
        consent_id = read_confirm_token(token)
    except signing.BadSignature:
        return None
    return ConsentRecord.objects.filter(pk=consent_id).first()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token: str):
    """GET only shows a button, so mail scanners that follow the link confirm nothing."""
    consent = _consent_from_token(token)
    if consent is None:
        return _link_invalid(request)
    if consent.confirmed_at is not None:
        return _used_link(request, consent)
    if request.method == "POST":
        if not subscribers.subscriber_confirm(consent=consent):
            return _used_link(request, consent)  # a second click, a moment later
        return redirect("newsletters:confirmed")
    return render(request, "newsletters/confirm.html")


def _used_link(request, consent: ConsentRecord):
    """A confirmation link opened again: say so, rather than ask to confirm again."""
    subscriber = Subscriber.objects.get(pk=consent.subscriber_id)
    if subscriber.status != Subscriber.Status.CONFIRMED:
        return _link_invalid(request)
    return _message(
        request,
        title=_("This address is already confirmed"),
        text=_(
            "You already receive our weekly newsletter: there is nothing more to do. Every"
            " newsletter has a link to unsubscribe."
        ),
    )


@public_page
@require_safe
def confirmed(request):
    return _message(
        request,
        title=_("Your subscription is confirmed"),
        text=_("From now on you will receive our weekly newsletter. Welcome!"),
    )


def _subscriber_from_token(token: str) -> Subscriber | None:
    try:
        subscriber_id = read_unsubscribe_token(token)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=subscriber_id).first()


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """The personal unsubscribe link of every mail, and its RFC 8058 one-click POST.

    The signed token is the authorisation, so neither cookies nor a CSRF token are
    needed. The page's own button posts the same body as a mail client does.
    """
    subscriber = _subscriber_from_token(token)
    if subscriber is None:
        return _link_invalid(request)
    if request.method != "POST":
        return render(request, "newsletters/unsubscribe.html", {"subscriber": subscriber})
    if request.POST.get("List-Unsubscribe") != ONE_CLICK:
        return _message(
            request,
            title=_("Not unsubscribed"),
            text=_("This request was not understood. Use the button on the unsubscribe page."),
            status=400,
        )
    subscribers.subscriber_unsubscribe(subscriber=subscriber)
    return _message(
        request,
        title=_("You are unsubscribed"),
        text=_("You will receive no more newsletters. Changed your mind? You can sign up again."),
        signup_link=True,
    )


@method_decorator(public_page, name="dispatch")
class ArchiveView(ListView):
    template_name = "newsletters/archive.html"
    context_object_name = "editions"
    paginate_by = ARCHIVE_PAGE_SIZE
    http_method_names = ["get", "head"]

    def get_queryset(self):
        tag_page(self.request, tags.EDITIONS)
        return Edition.objects.public().order_by("-week")


@method_decorator(public_page, name="dispatch")
class EditionView(DetailView):
    """An edition as a web page: “View in your browser” and the archive."""

    template_name = "newsletters/edition_detail.html"
    context_object_name = "edition"
    http_method_names = ["get", "head"]

    def get_queryset(self):
        return Edition.objects.public()

    def get_context_data(self, **kwargs):
        tag_page(self.request, tags.EDITIONS, tags.edition(self.object.pk))
        return super().get_context_data(sections=edition_sections(self.object), **kwargs)
