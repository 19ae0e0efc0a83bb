"""Photos: hostile uploads are refused, good ones are cleaned, renditions reach the page."""

import io
import struct
import time
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PillowImage
from PIL import ImageCms, PngImagePlugin

from articles.imaging import image_make_renditions
from articles.models import Article, Image, InlineImage
from articles.photo_forms import ImageAdminForm
from articles.roles import EINDREDACTEUR
from newsroom.models import OutboxTask
from newsroom.outbox import outbox_sweep
from tests.factories import ArticleFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db


def jpeg_bytes(width=640, height=480, **save_kwargs) -> bytes:
    output = io.BytesIO()
    PillowImage.new("RGB", (width, height), "darkgreen").save(output, "JPEG", **save_kwargs)
    return output.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` by `height` pixels: a decompression bomb."""
    output = io.BytesIO()
    PillowImage.new("L", (8, 8)).save(output, "PNG")
    data = bytearray(output.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def upload(content: bytes, name: str = "foto.jpg") -> ImageAdminForm:
    return ImageAdminForm(
        data={"alt": "Een brug", "caption": "", "credit": "ANP"},
        files={"file": SimpleUploadedFile(name, content, content_type="image/jpeg")},
    )


class TestHostileUploads:
    @pytest.mark.parametrize(
        "content",
        [
            pytest.param(
                b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                id="svg",
            ),
            pytest.param(b"<!doctype html><html><script>alert(1)</script></html>", id="html"),
            pytest.param(jpeg_bytes()[:600], id="truncated-jpeg"),
            pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 64, id="jpeg-magic-then-garbage"),
        ],
    )
    def test_a_file_that_is_no_complete_image_is_refused_whatever_its_name(self, content):
        form = upload(content)
        assert not form.is_valid()
        assert "file" in form.errors
        assert Image.objects.count() == 0

    def test_a_gif_is_refused_because_only_jpeg_png_and_webp_are_accepted(self):
        output = io.BytesIO()
        PillowImage.new("RGB", (20, 20)).save(output, "GIF")
        form = upload(output.getvalue(), "animatie.jpg")
        assert not form.is_valid()
        assert "JPEG-, PNG- of WebP" in str(form.errors["file"])

    def test_a_decompression_bomb_is_refused(self):
        form = upload(png_claiming_size(30_000, 30_000), "bom.png")
        assert not form.is_valid()
        assert "file" in form.errors

    def test_an_image_over_the_pixel_limit_is_refused_with_the_limit_named(self):
        form = upload(png_claiming_size(10_000, 6_000), "groot.png")
        assert not form.is_valid()
        assert "50 megapixel" in str(form.errors["file"])

    @pytest.mark.parametrize(
        ("width", "height", "message"),
        [
            # 47 KB as a PNG; resizing it ran a worker out of memory (issue 12).
            (49_000_000, 1, "elke zijde mag hoogstens 20000 zijn"),
            (1, 30_000, "elke zijde mag hoogstens 20000 zijn"),
            (21_000, 2_000, "elke zijde mag hoogstens 20000 zijn"),
            (8_000, 300, "de lange zijde mag hoogstens 20 keer de korte zijde zijn"),
            (300, 8_000, "de lange zijde mag hoogstens 20 keer de korte zijde zijn"),
        ],
    )
    def test_extreme_geometry_is_refused_with_the_limit_named(self, width, height, message):
        form = upload(png_claiming_size(width, height), "streep.png")
        assert not form.is_valid()
        assert message in str(form.errors["file"])
        assert f"{width} bij {height} pixels" in str(form.errors["file"])

    def test_a_panorama_within_the_limits_is_accepted(self):
        output = io.BytesIO()
        PillowImage.new("RGB", (4_000, 200), "navy").save(output, "JPEG")
        form = upload(output.getvalue(), "panorama.jpg")
        assert form.is_valid(), form.errors

    def test_an_oversized_file_is_refused(self, settings, monkeypatch):
        monkeypatch.setattr("articles.imaging.MAX_UPLOAD_BYTES", 1000)
        form = upload(jpeg_bytes())
        assert not form.is_valid()
        assert "groter dan" in str(form.errors["file"])

    def test_gps_and_camera_metadata_are_stripped_and_orientation_applied(self):
        exif = PillowImage.Exif()
        exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
        exif[0x010F] = "Camerafabrikant"  # Make
        exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 5.0, 30.0), 3: "E", 4: (5.0, 54.0, 0.0)})
        form = upload(jpeg_bytes(640, 480, exif=exif.tobytes()))
        assert form.is_valid(), form.errors
        image = form.save()

        with image.file.open("rb") as stored:
            cleaned = PillowImage.open(stored)
            cleaned.load()
        assert cleaned.getexif() == {}
        assert "exif" not in cleaned.info
        assert (image.width, image.height) == (480, 640) == cleaned.size
        assert image.file_size == image.file.size

    def test_a_phone_cameras_multi_picture_jpeg_is_accepted_as_jpeg(self):
        output = io.BytesIO()
        frames = [PillowImage.new("RGB", (320, 240), colour) for colour in ("red", "blue")]
        frames[0].save(output, "MPO", save_all=True, append_images=frames[1:])
        form = upload(output.getvalue(), "telefoon.jpg")
        assert form.is_valid(), form.errors
        image = form.save()
        with image.file.open("rb") as stored, PillowImage.open(stored) as cleaned:
            assert cleaned.format == "JPEG"

    def test_jpeg_comments_and_colour_profiles_are_stripped(self):
        profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        content = jpeg_bytes(comment=b"Gemaakt bij Keizersgracht 1", icc_profile=profile)
        image = upload(content).save()
        with image.file.open("rb") as stored, PillowImage.open(stored) as cleaned:
            assert "comment" not in cleaned.info
            assert "icc_profile" not in cleaned.info
        with image.file.open("rb") as stored:
            assert b"Keizersgracht" not in stored.read()

    def test_png_text_chunks_are_stripped(self):
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "GPS 52.3676 4.9041")
        output = io.BytesIO()
        PillowImage.new("RGB", (64, 64), "white").save(output, "PNG", pnginfo=info)
        image = upload(output.getvalue(), "kaart.png").save()
        with image.file.open("rb") as stored:
            assert b"GPS" not in stored.read()

    def test_a_png_stays_a_png(self):
        output = io.BytesIO()
        PillowImage.new("RGBA", (300, 200), (0, 0, 0, 0)).save(output, "PNG")
        form = upload(output.getvalue(), "logo.png")
        assert form.is_valid(), form.errors
        assert form.save().file.name.endswith(".png")


class TestRenditions:
    def test_webp_and_jpeg_renditions_are_made_no_wider_than_the_original(self):
        image = ImageFactory(file__width=1000, file__height=600)
        renditions = image_make_renditions(image=image)

        assert sorted(renditions, key=int) == ["480", "800"]
        image.refresh_from_db()
        assert image.renditions == renditions
        for width, paths in renditions.items():
            for kind, pillow_format in (("webp", "WEBP"), ("jpeg", "JPEG")):
                with PillowImage.open(f"{image.file.storage.location}/{paths[kind]}") as made:
                    assert made.format == pillow_format
                    assert made.size == (int(width), int(width) * 600 // 1000)

    def test_a_transparent_png_gets_a_white_background_in_jpeg(self):
        output = io.BytesIO()
        PillowImage.new("LA", (600, 400), (0, 0)).save(output, "PNG")
        form = upload(output.getvalue(), "logo.png")
        assert form.is_valid(), form.errors
        renditions = image_make_renditions(image=form.save())
        location = form.instance.file.storage.location
        with PillowImage.open(f"{location}/{renditions['480']['jpeg']}") as jpeg:
            assert jpeg.getpixel((10, 10)) == (255, 255, 255)
        with PillowImage.open(f"{location}/{renditions['480']['webp']}") as webp:
            assert webp.mode == "RGBA"

    def test_a_panorama_at_the_aspect_ratio_limit_gets_its_renditions(self):
        image = ImageFactory(file__width=2000, file__height=100)
        renditions = image_make_renditions(image=image)
        path = f"{image.file.storage.location}/{renditions['480']['jpeg']}"
        with PillowImage.open(path) as made:
            assert made.size == (480, 24)

    def test_making_renditions_twice_gives_the_same_files(self):
        image = ImageFactory()
        first = image_make_renditions(image=image)
        assert image_make_renditions(image=image) == first

    def test_an_upload_in_the_admin_queues_the_renditions_after_commit(
        self, admin_client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = admin_client.post(
                reverse("admin:articles_image_add"),
                {
                    "file": SimpleUploadedFile("trein.jpg", jpeg_bytes(900, 600)),
                    "alt": "Een trein",
                    "caption": "",
                    "credit": "ANP",
                },
            )
        assert response.status_code == 302
        assert len(callbacks) == 1
        image = Image.objects.get()
        assert sorted(image.renditions, key=int) == ["480", "800"]

    def test_the_task_makes_the_renditions_on_a_real_worker(self, celery_worker):
        from articles.tasks import make_image_renditions

        image = ImageFactory(file__width=500, file__height=300)
        make_image_renditions.delay(image.pk)
        deadline = time.monotonic() + 20
        while not image.renditions and time.monotonic() < deadline:
            time.sleep(0.1)
            image.refresh_from_db()
        assert list(image.renditions) == ["480"]


class TestArticlePagePhotos:
    def test_the_lead_image_has_srcset_sizes_dimensions_and_credit(self, client):
        image = ImageFactory()
        image_make_renditions(image=image)
        article = ArticleFactory(lead_image=image)
        html = client.get(article.get_absolute_url()).content.decode()

        assert 'type="image/webp"' in html
        assert f"/uploads/renditions/{image.pk}/480.webp 480w" in html
        assert f"/uploads/renditions/{image.pk}/800.jpg 800w" in html
        assert 'sizes="(min-width: 42rem) 42rem, 100vw"' in html
        assert f'<img src="/uploads/renditions/{image.pk}/800.jpg"' in html
        assert 'width="1000" height="600"' in html
        assert 'alt="Een trein rijdt over een brug bij Arnhem"' in html
        assert "Foto: Jan Jansen / ANP" in html
        # Above the fold: not lazy.
        assert 'fetchpriority="high"' in html

    def test_before_the_renditions_exist_the_page_shows_the_original(self, client):
        article = ArticleFactory(lead_image=ImageFactory())
        response = client.get(article.get_absolute_url())
        html = response.content.decode()
        assert response.status_code == 200
        assert article.lead_image.file.url in html
        assert "srcset" not in html

    def test_inline_images_follow_their_paragraph_and_load_lazily(self, client):
        article = ArticleFactory(
            body="<p>Eerste.</p><blockquote><p>Citaat.</p></blockquote><p>Slot.</p>"
        )
        InlineImage.objects.create(
            article=article, image=ImageFactory(alt="Een haven"), after_paragraph=2
        )
        html = client.get(article.get_absolute_url()).content.decode()

        assert html.index("</blockquote>") < html.index('alt="Een haven"') < html.index("Slot.")
        assert 'loading="lazy"' in html

    def test_photo_texts_are_escaped(self, client):
        image = ImageFactory(alt='"><script>alert(1)</script>', credit="<b>ANP</b>")
        html = client.get(ArticleFactory(lead_image=image).get_absolute_url()).content.decode()
        assert "<script>alert(1)" not in html
        assert "&lt;b&gt;ANP&lt;/b&gt;" in html

    def test_a_finished_rendition_changes_the_etag(self, client):
        image = ImageFactory()
        article = ArticleFactory(lead_image=image)
        before = client.get(article.get_absolute_url())["ETag"]
        image_make_renditions(image=image)
        assert client.get(article.get_absolute_url())["ETag"] != before


class TestPublishingNeedsAltAndCredit:
    def post_article(self, client, article_data):
        return client.post(reverse("admin:articles_article_add"), article_data)

    @pytest.fixture
    def editor_client(self, client):
        client.force_login(UserFactory(role=EINDREDACTEUR))
        return client

    def article_data(self, section, **extra):
        data = {
            "section": section.pk,
            "headline": "Nieuwe brug geopend",
            "slug": "nieuwe-brug-geopend",
            "lede": "De brug is open. Dat meldt de gemeente.",
            "body": "<p>Tekst.</p>",
            "status": Article.Status.PUBLISHED,
            "inline_images-TOTAL_FORMS": "0",
            "inline_images-INITIAL_FORMS": "0",
        }
        data.update(extra)
        return data

    @pytest.mark.parametrize("missing", ["alt", "credit"])
    def test_a_lead_image_without_alt_or_credit_blocks_publication(self, editor_client, missing):
        image = ImageFactory(**{missing: ""})
        section = ArticleFactory().section
        response = self.post_article(editor_client, self.article_data(section, lead_image=image.pk))
        assert response.status_code == 200
        assert "alleen gepubliceerd worden als de foto" in response.content.decode()
        assert not Article.objects.filter(slug="nieuwe-brug-geopend").exists()

    def test_an_inline_image_without_credit_blocks_publication(self, editor_client):
        image = ImageFactory(credit="")
        section = ArticleFactory().section
        data = self.article_data(
            section,
            **{
                "inline_images-TOTAL_FORMS": "1",
                "inline_images-0-image": image.pk,
                "inline_images-0-after_paragraph": "1",
            },
        )
        response = self.post_article(editor_client, data)
        assert response.status_code == 200
        assert "alleen gepubliceerd worden als de foto" in response.content.decode()
        assert not Article.objects.filter(slug="nieuwe-brug-geopend").exists()

    def test_a_draft_may_keep_an_image_without_alt_text(self, editor_client):
        image = ImageFactory(alt="")
        section = ArticleFactory().section
        data = self.article_data(section, lead_image=image.pk, status=Article.Status.DRAFT)
        assert self.post_article(editor_client, data).status_code == 302
        assert Article.objects.get(slug="nieuwe-brug-geopend").lead_image == image

    def test_with_alt_and_credit_the_article_is_published(self, editor_client):
        section = ArticleFactory().section
        data = self.article_data(section, lead_image=ImageFactory().pk)
        assert self.post_article(editor_client, data).status_code == 302
        assert Article.objects.get(slug="nieuwe-brug-geopend").is_visible

    def test_the_model_names_the_images_that_block_publication(self):
        good, bad = ImageFactory(), ImageFactory(alt="")
        article = ArticleFactory(lead_image=good)
        InlineImage.objects.create(article=article, image=bad)
        assert article.images_missing_alt_or_credit() == [bad]


class TestEditingPhotosInUse:
    @pytest.mark.parametrize("where", ["lead", "inline"])
    def test_a_photo_of_a_published_article_keeps_its_alt_text(self, where):
        image = ImageFactory()
        if where == "lead":
            ArticleFactory(lead_image=image)
        else:
            InlineImage.objects.create(article=ArticleFactory(), image=image)
        form = ImageAdminForm(
            data={"alt": "", "caption": "", "credit": "ANP"}, files={}, instance=image
        )
        assert not form.is_valid()
        assert "blijft een alt-tekst en een credit nodig" in str(form.non_field_errors())

    def test_a_photo_of_a_draft_may_lose_its_credit(self):
        image = ImageFactory()
        ArticleFactory(lead_image=image, status=Article.Status.DRAFT, published_at=None)
        form = ImageAdminForm(
            data={"alt": "Een brug", "caption": "", "credit": ""}, files={}, instance=image
        )
        assert form.is_valid(), form.errors


@pytest.mark.parametrize("role", ["Verslaggever", "Eindredacteur"])
def test_reporters_and_editors_may_upload_photos(client, role):
    client.force_login(UserFactory(role=role))
    response = client.post(
        reverse("admin:articles_image_add"),
        {"file": SimpleUploadedFile("haven.jpg", jpeg_bytes()), "alt": "Haven", "credit": "ANP"},
    )
    assert response.status_code == 302
    assert Image.objects.get().alt == "Haven"


class TestListingPhotos:
    def test_the_top_story_on_home_shows_its_photo_at_once(self, client):
        image = ImageFactory(alt="Volle treinen op Utrecht Centraal")
        ArticleFactory(lead_image=image)
        html = client.get("/").content.decode()
        assert 'alt="Volle treinen op Utrecht Centraal"' in html
        assert 'fetchpriority="high"' in html
        assert 'loading="lazy"' not in html

    def test_section_teasers_load_their_photos_lazily_without_extra_queries(
        self, client, django_assert_num_queries
    ):
        from articles.navigation import forget_local_copy

        section = ArticleFactory(lead_image=ImageFactory()).section
        for _ in range(5):
            ArticleFactory(section=section, lead_image=ImageFactory())
        forget_local_copy()
        # navigation with the section (1), page with sections and photos (1)
        with django_assert_num_queries(2):
            html = client.get(section.get_absolute_url()).content.decode()
        assert html.count('loading="lazy"') == 6


def test_deleting_a_photo_removes_its_files(django_capture_on_commit_callbacks):
    image = ImageFactory()
    image_make_renditions(image=image)
    storage = image.file.storage
    names = [image.file.name, image.renditions["480"]["webp"], image.renditions["800"]["jpeg"]]
    assert all(storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert not any(storage.exists(name) for name in names)


def test_the_admin_pages_for_photos_render(admin_client):
    article = ArticleFactory(lead_image=ImageFactory())
    InlineImage.objects.create(article=article, image=ImageFactory())
    for url in [
        reverse("admin:articles_image_changelist"),
        reverse("admin:articles_image_add"),
        reverse("admin:articles_image_change", args=[article.lead_image.pk]),
        reverse("admin:articles_article_change", args=[article.pk]),
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
    assert 'name="inline_images-0-image"' in response.content.decode()
    assert 'name="lead_image"' in response.content.decode()


def test_an_upload_is_saved_even_when_the_broker_is_down_and_renditioned_once_it_is_back(
    admin_client, django_capture_on_commit_callbacks, broker_down
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:articles_image_add"),
            {"file": SimpleUploadedFile("a.jpg", jpeg_bytes()), "alt": "Brug", "credit": "ANP"},
        )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.renditions == {}
    work = OutboxTask.objects.get()
    assert (work.task, work.args) == ("articles.tasks.make_image_renditions", [image.pk])
    broker_down.stop()
    OutboxTask.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    assert outbox_sweep() == 1
    image.refresh_from_db()
    assert image.renditions != {}
    assert not OutboxTask.objects.exists()


def test_the_admin_action_makes_missing_renditions(
    admin_client, django_capture_on_commit_callbacks
):
    image = ImageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:articles_image_changelist"),
            {"action": "make_renditions", "_selected_action": [image.pk]},
        )
    assert response.status_code == 302
    image.refresh_from_db()
    assert sorted(image.renditions, key=int) == ["480", "800"]
