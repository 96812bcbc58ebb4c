"""The CSV import in a real browser: upload, progress page, errors table; axe-clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from support.browser import assert_accessible
from support.people import make_member, make_organisation
from vangnet.organisations.models import Unit
from vangnet.organisations.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_upload_with_errors_then_a_good_file(page: Any, login: Any, tmp_path: Path) -> None:
    organisation = make_organisation()
    coordinator = make_member(organisation, Role.EMPLOYEE, Role.COORDINATOR)
    login(coordinator.user.email)
    page.goto(f"/o/{organisation.slug}/beheer/importeren/")
    assert_accessible(page)

    bad = tmp_path / "fout.csv"
    bad.write_text("type,code,name,parent_code,email,roles,unit_code,job_title\n"
                   "unit,A,Afdeling,ONBEKEND,,,,\nperson,,Piet,,geen-adres,,,\n", encoding="utf-8")
    page.set_input_files("input[name=csv_file]", str(bad))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_selector("text=Er is niets geïmporteerd")
    assert page.locator("table.vn-table tbody tr").count() == 2
    assert "Onbekende bovenliggende afdeling of team" in page.inner_text("main")
    assert_accessible(page)

    good = tmp_path / "goed.csv"
    good.write_text("type;code;name;parent_code;email;roles;unit_code;job_title\n"
                    "unit;A;Afdeling A;;;;;\nperson;;Piet;;piet@example.org;medewerker;A;\n",
                    encoding="utf-8")
    page.goto(f"/o/{organisation.slug}/beheer/importeren/")
    page.set_input_files("input[name=csv_file]", str(good))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_selector("text=De import is klaar.")
    assert Unit.objects.filter(organisation=organisation, code="A").exists()
    assert_accessible(page)
