"""Branding: a logo is checked and stripped of metadata; any colour gets readable contrast."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from vangnet.organisations.models import Organisation
from vangnet.organisations.roles import Role
from vangnet.organisations.theme import SURFACES, WHITE, contrast_ratio, theme_css_for, theme_tokens


def _jpeg_with_exif(size: tuple[int, int] = (1200, 600)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "GeheimeCamera"  # Make
    exif[0x0131] = "Bewerkt op de laptop van de directeur"  # Software
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif.tobytes())
    return output.getvalue()


@pytest.fixture
def coordinator_client(client: Any, organisation: Organisation, member_factory: Any) -> Any:
    coordinator = member_factory(organisation, Role.EMPLOYEE, Role.COORDINATOR)
    client.force_login(coordinator.user)
    return client


def _post(client: Any, organisation: Organisation, **data: Any) -> Any:
    payload = {"name": organisation.name, "primary_colour": "#1f5c99", **data}
    return client.post(f"/o/{organisation.slug}/beheer/huisstijl/", payload)


@pytest.mark.django_db
def test_logo_is_stored_without_metadata_and_scaled_down(coordinator_client: Any,
                                                         organisation: Organisation) -> None:
    raw = _jpeg_with_exif()
    assert b"GeheimeCamera" in raw
    upload = SimpleUploadedFile("logo.jpg", raw, content_type="image/jpeg")
    response = _post(coordinator_client, organisation, logo=upload)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.logo.name.startswith("logos/") and organisation.logo.name.endswith(".png")
    stored = organisation.logo.read()
    assert b"GeheimeCamera" not in stored and b"directeur" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG"
        assert max(image.size) == 800 and image.size == (800, 400)
        assert not image.getexif()
        assert not image.info.get("exif")


@pytest.mark.django_db
def test_replacing_the_logo_removes_the_old_file(coordinator_client: Any, organisation: Organisation,
                                                 django_capture_on_commit_callbacks: Any) -> None:
    _post(coordinator_client, organisation,
          logo=SimpleUploadedFile("a.jpg", _jpeg_with_exif((50, 50)), content_type="image/jpeg"))
    organisation.refresh_from_db()
    first = organisation.logo.name
    storage = organisation.logo.storage
    with django_capture_on_commit_callbacks(execute=True):
        _post(coordinator_client, organisation,
              logo=SimpleUploadedFile("b.jpg", _jpeg_with_exif((60, 60)), content_type="image/jpeg"))
    organisation.refresh_from_db()
    assert organisation.logo.name != first
    assert not storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        _post(coordinator_client, organisation, remove_logo="on")
    organisation.refresh_from_db()
    assert not organisation.logo


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "logo.svg", "afbeelding"),
        (b"dit is geen plaatje", "logo.png", "afbeelding"),
        (None, "groot.png", "1 MB"),
    ],
    ids=["svg", "not-an-image", "too-big"],
)
def test_bad_logos_are_refused_with_a_dutch_message(coordinator_client: Any, organisation: Organisation,
                                                    content: bytes | None, name: str, message: str) -> None:
    if content is None:  # a real image, but noise does not compress: well over 1 MB
        output = io.BytesIO()
        Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3)).save(output, format="PNG")
        content = output.getvalue()
        assert len(content) > 1024 * 1024
    response = _post(coordinator_client, organisation, name="Nieuwe naam",
                     logo=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Nieuwe naam"' in html  # nothing entered is lost
    organisation.refresh_from_db()
    assert not organisation.logo and organisation.name != "Nieuwe naam"


@pytest.mark.django_db
def test_a_too_light_colour_is_darkened_in_theme_css(client: Any, organisation: Organisation,
                                                     coordinator_client: Any) -> None:
    response = _post(coordinator_client, organisation, primary_colour="#ffee00")
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.primary_colour == "#ffee00"  # the choice is kept; the theme adapts it
    css = client.get(f"/o/{organisation.slug}/theme.css").content.decode()
    tokens = theme_tokens("#ffee00")
    assert f"--vangnet-primary: {tokens['primary']};" in css
    assert tokens["primary"] != "#ffee00"
    assert contrast_ratio(tokens["primary"], WHITE) >= 4.5


@pytest.mark.django_db
def test_invalid_colour_is_refused(coordinator_client: Any, organisation: Organisation) -> None:
    response = _post(coordinator_client, organisation, primary_colour="rood")
    assert response.status_code == 200
    assert "Gebruik een kleur zoals #1f5c99." in response.content.decode()


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"#[0-9a-f]{6}", fullmatch=True))
def test_every_colour_gives_aa_contrast_for_every_pair(colour: str) -> None:
    tokens = theme_tokens(colour)
    assert contrast_ratio(tokens["primary"], WHITE) >= 4.5  # white text on buttons
    for surface in SURFACES:
        assert contrast_ratio(tokens["primary"], surface) >= 4.5  # links on the page
    assert contrast_ratio(tokens["primary-dark"], WHITE) >= 4.5  # the menu bar
    assert contrast_ratio(tokens["primary-dark"], tokens["primary-light"]) >= 4.5  # badges


def test_dark_colours_are_kept_as_they_are() -> None:
    assert theme_tokens("#1f5c99")["primary"] == "#1f5c99"
    css = theme_css_for(Organisation(primary_colour="#2d6a4f"))
    assert "--vangnet-primary: #2d6a4f;" in css
