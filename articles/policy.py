"""Who may do what with articles and their photos: the one place the newsroom's rules live.

Services ask these questions once per action and refuse with PermissionDenied; forms and the
admin ask the same questions to explain a refusal before anything is tried. Nobody restates them.
"""

from django.core.exceptions import PermissionDenied

from .models import Article, Image


class System:
    """The site itself: the demo content, test data and the beat job act as it."""

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = System()


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def may_create(user) -> bool:
    return user is SYSTEM or user.has_perm("articles.add_article")


def may_publish(user) -> bool:
    """Publishing, scheduling, unpublishing and changing what readers already see."""
    return user is SYSTEM or user.has_perm("articles.publish_article")


def may_edit(user, article: Article) -> bool:
    """Editors edit everything; a reporter only their own drafts, until they are out."""
    if may_publish(user):
        return True
    return (
        user.has_perm("articles.change_article")
        and article.created_by_id == user.pk
        and article.status in {Article.Status.DRAFT, Article.Status.REVIEW}
    )


def may_set_status(user, *, old: str | None, new: str) -> bool:
    """Whether `user` may move an article from status `old` (None: new article) to `new`."""
    return old == new or new not in Article.Status.publishing() or may_publish(user)


def may_restore(user, article: Article) -> bool:
    return may_edit(user, article)


def may_handle_typo_reports(user) -> bool:
    """Closing readers' typo reports and thanking them: the editors' inbox."""
    return user is SYSTEM or user.has_perm("feedback.change_typoreport")


def may_share_preview(user, article: Article) -> bool:
    """A preview link shows the article to anyone who has it, for PREVIEW_LINK_HOURS: only
    who may edit it hands one out (a reporter: their own drafts, not a colleague's)."""
    return may_edit(user, article)


def may_change_photo(user, image: Image, *, released: bool) -> bool:
    """A photo of a published or scheduled article (`released`) is part of what readers see."""
    if released:
        return may_publish(user)
    return user is SYSTEM or user.has_perm("articles.change_image")


def may_curate_editions(user) -> bool:
    """Adding, assembling and arranging newsletter editions."""
    return user is SYSTEM or user.has_perm("newsletters.change_edition")


def may_send_edition(user) -> bool:
    """Sending, scheduling, holding, pausing and resuming a newsletter edition, and sending
    its failed copies again: what goes to every subscriber."""
    return user is SYSTEM or user.has_perm("newsletters.send_edition")
