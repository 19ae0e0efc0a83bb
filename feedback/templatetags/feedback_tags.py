from django import template

from feedback.forms import TypoReportForm, VoteForm

register = template.Library()


@register.inclusion_tag("feedback/_reason_form.html")
def vote_reason_form(article):
    """The “why not?” form: the same for every reader, so the article page stays cacheable."""
    form = VoteForm(article=article, initial={"revision": article.revision_number})
    return {"article": article, "form": form}


@register.inclusion_tag("feedback/_typo_form.html")
def typo_report_form(article):
    form = TypoReportForm(article=article, initial={"revision": article.revision_number})
    return {"article": article, "form": form}
