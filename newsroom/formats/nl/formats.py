"""The paper's Dutch date formats (FORMAT_MODULE_PATH); other names fall back to Django's nl.

Templates write `|date:"DATETIME_FORMAT"` or `|date:"DATE_FORMAT"`, code passes the same
names to `django.utils.formats.date_format`; no format string is spelled anywhere else.
"""

DATE_FORMAT = "j F Y"  # 9 mei 2025
DATETIME_FORMAT = "j F Y H:i"  # 9 mei 2025 10:43
