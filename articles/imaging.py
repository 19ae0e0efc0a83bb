"""Image processing with Pillow: checking uploads and making renditions.

Uploads are trusted by their content only. A file is accepted when Pillow reads it
completely as JPEG, PNG or WebP within the size and pixel limits; it is then stored
re-encoded with its EXIF orientation applied and every other piece of metadata
(GPS, camera, comments, colour profiles) left behind.
"""

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image as PillowImage
from PIL import ImageOps, UnidentifiedImageError

from edge.purging import image_changed
from jobs.base import Unprocessable

from .images import RENDITION_WIDTHS, Image

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
# 50 megapixels: more than any press camera, far less than a decompression bomb.
MAX_PIXELS = 50_000_000
# Each side, and how much longer the long side may be: a wide panorama passes, a
# 49,000,000 x 1 "image" (47 KB as PNG, a MemoryError when resized) does not.
MAX_SIDE = 20_000
MAX_ASPECT_RATIO = 20
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Phone cameras write "multi-picture" JPEGs; they are stored as plain JPEG.
SAVED_AS = {"MPO": "JPEG"}
JPEG_QUALITY = 85
WEBP_QUALITY = 80


def clean_upload(upload) -> ContentFile:
    """Check an uploaded file and return it re-encoded without metadata, upright."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)d MB."),
            code="too_large",
            params={"limit": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
    upload.seek(0)
    picture = _open_checked(upload)
    file_format = SAVED_AS.get(picture.format, picture.format)
    picture = ImageOps.exif_transpose(picture)
    output = io.BytesIO()
    _save_without_metadata(picture, output, file_format)
    stem = (upload.name or "image").rsplit("/", 1)[-1].rsplit(".", 1)[0][:80] or "image"
    return ContentFile(output.getvalue(), name=f"{stem}.{ACCEPTED_FORMATS[file_format]}")


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The image has too many pixels (at most %(limit)d megapixels)."),
        code="too_many_pixels",
        params={"limit": MAX_PIXELS // 1_000_000},
    )


def geometry_refusal(width: int, height: int) -> ValidationError | None:
    """Why an image of this size cannot be used, or None: the one rule for uploads and tasks."""
    size = {"width": width, "height": height}
    if width * height > MAX_PIXELS:
        return _too_many_pixels()
    if max(width, height) > MAX_SIDE:
        return ValidationError(
            _("The image is %(width)d by %(height)d pixels; each side may be at most %(limit)d."),
            code="side_too_long",
            params={**size, "limit": MAX_SIDE},
        )
    if max(width, height) > MAX_ASPECT_RATIO * max(1, min(width, height)):
        return ValidationError(
            _(
                "The image is %(width)d by %(height)d pixels; its long side may be at most"
                " %(ratio)d times its short side."
            ),
            code="aspect_ratio",
            params={**size, "ratio": MAX_ASPECT_RATIO},
        )
    return None


def _open_checked(upload) -> PillowImage.Image:
    refused = ValidationError(
        _("This file is not a usable JPEG, PNG or WebP image."), code="invalid_image"
    )
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice that; treat it as the bomb it may be.
        warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
        try:
            picture = PillowImage.open(upload)
            if SAVED_AS.get(picture.format, picture.format) not in ACCEPTED_FORMATS:
                raise refused
            refusal = geometry_refusal(picture.width, picture.height)
            if refusal is not None:
                raise refusal
            picture.load()
        except (PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            # Truncated or corrupt data, or something that is not an image at all.
            raise refused from None
    return picture


def _save_without_metadata(picture: PillowImage.Image, output, file_format: str) -> None:
    # Pillow writes some of `info` back (JPEG comments, PNG colour profiles); keep only
    # the transparency a palette PNG needs.
    picture.info = {k: v for k, v in picture.info.items() if k == "transparency"}
    if file_format == "JPEG":
        picture.convert("RGB").save(output, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif file_format == "WEBP":
        picture.save(output, "WEBP", quality=WEBP_QUALITY)
    else:
        picture.save(output, "PNG", optimize=True)


def image_make_renditions(*, image: Image) -> dict:
    """Write the WebP and JPEG renditions of `image` and record them on it.

    Idempotent: a repeated run rewrites the same files under the same names. A file
    that cannot be decoded, or has a size uploads refuse (stored before that check or
    another way in), raises UnprocessableImage: the task is set aside, not retried.
    """
    with image.file.open("rb") as source:
        data = source.read()  # a storage error (OSError) is worth a retry; decoding is not
    picture = _decoded(data, name=image.file.name)
    renditions = {}
    for width in RENDITION_WIDTHS:
        if width > picture.width:
            break
        height = max(1, round(picture.height * width / picture.width))
        resized = picture.resize((width, height), PillowImage.Resampling.LANCZOS)
        renditions[str(width)] = {
            "webp": _store(resized, image, width, "WEBP", "webp"),
            "jpeg": _store(resized, image, width, "JPEG", "jpg"),
        }
    Image.objects.filter(pk=image.pk).update(renditions=renditions)
    image.renditions = renditions
    # Pages showing the photo now offer the renditions.
    image_changed(image=image)
    return renditions


class UnprocessableImage(Unprocessable):
    """A stored image no rendition can be made of."""


def _decoded(data: bytes, *, name: str) -> PillowImage.Image:
    try:
        picture = PillowImage.open(io.BytesIO(data))
        refusal = geometry_refusal(picture.width, picture.height)
        if refusal is not None:
            raise UnprocessableImage(f"{name}: {picture.width} x {picture.height} pixels")
        picture.load()
        if picture.mode not in {"RGB", "RGBA"}:
            picture = picture.convert("RGBA" if picture.has_transparency_data else "RGB")
    except (PillowImage.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        # Truncated or corrupt data, or not an image at all (UnidentifiedImageError).
        raise UnprocessableImage(f"{name}: {exc}") from exc
    return picture


def _store(picture: PillowImage.Image, image: Image, width: int, file_format: str, ext: str):
    output = io.BytesIO()
    if file_format == "JPEG":
        flat = PillowImage.new("RGB", picture.size, "white")
        flat.paste(picture, mask=picture.getchannel("A") if picture.mode == "RGBA" else None)
        flat.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        picture.save(output, "WEBP", quality=WEBP_QUALITY)
    name = f"renditions/{image.pk}/{width}.{ext}"
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(output.getvalue()))


def image_queue_renditions(*, image: Image) -> None:
    """Have a worker make the renditions once the upload is committed (through the outbox).

    With the broker down the upload is still saved (pages show the original) and the
    outbox sweep queues the work once the broker is back.
    """
    from newsroom.outbox import enqueue_on_commit

    from .tasks import make_image_renditions

    enqueue_on_commit(make_image_renditions, image.pk)


def image_delete_files(*, image: Image) -> None:
    """Remove the original and the renditions of a deleted photo, once the delete is committed."""
    names = [
        image.file.name,
        *(path for paths in image.renditions.values() for path in paths.values()),
    ]

    def delete() -> None:
        for name in names:
            if name:
                default_storage.delete(name)

    transaction.on_commit(delete)


def delete_files_of_deleted_image(sender, instance: Image, **kwargs) -> None:
    image_delete_files(image=instance)
