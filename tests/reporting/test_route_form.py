"""The complaints procedure on the public page must be a real PDF of reasonable size."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from vangnet.reporting.forms import COMPLAINTS_PROCEDURE_MAX_BYTES, RouteForm


def _form(upload: SimpleUploadedFile) -> RouteForm:
    form = RouteForm(data={}, files={"complaints_procedure_file": upload})
    form.fields["default_recipient"].choices = [("", "-")]
    return form


def test_a_pdf_is_accepted():
    form = _form(SimpleUploadedFile("klachtenregeling.pdf", b"%PDF-1.7\n%...", "application/pdf"))
    assert form.is_valid(), form.errors


def test_a_file_that_is_not_a_pdf_is_refused_even_when_named_pdf():
    form = _form(SimpleUploadedFile("klachtenregeling.pdf", b"MZ\x90\x00binary", "application/pdf"))
    assert not form.is_valid()
    assert "complaints_procedure_file" in form.errors


def test_a_too_large_pdf_is_refused():
    big = b"%PDF-" + b"0" * COMPLAINTS_PROCEDURE_MAX_BYTES
    form = _form(SimpleUploadedFile("klachtenregeling.pdf", big, "application/pdf"))
    assert not form.is_valid()
    assert "complaints_procedure_file" in form.errors


def test_a_contact_needs_a_name_and_a_real_web_address():
    from vangnet.reporting.forms import RouteContactForm

    assert RouteContactForm(data={}).is_valid()  # an empty row adds nothing
    nameless = RouteContactForm(data={"phone": "010 123 45 67"})
    assert not nameless.is_valid() and "name" in nameless.errors
    bad_url = RouteContactForm(data={"name": "Arbodienst", "url": "niet een adres"})
    assert not bad_url.is_valid() and "url" in bad_url.errors
    bare = RouteContactForm(data={"name": "Arbodienst", "url": "arbo.example"})
    assert bare.is_valid() and bare.cleaned_data["url"] == "https://arbo.example"
