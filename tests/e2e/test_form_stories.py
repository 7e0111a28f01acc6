"""Colab forms in the editor: `#@title` / `#@param` lines become a form beside the code."""

from __future__ import annotations

from contextlib import closing

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import (
    RUN_TIMEOUT,
    cell,
    code,
    eventually,
    notebook_json,
    open_notebook,
    output,
    type_code,
    upload_notebook,
)

pytestmark = pytest.mark.e2e

EVERY_FIELD = """#@title Settings
name = "Ada" #@param {type:"string"}
count = 3 #@param {type:"integer"}
rate = 0.5 #@param {type:"number"}
level = 5 #@param {type:"slider", min:0, max:10, step:1}
flag = False #@param {type:"boolean"}
day = "2024-01-02" #@param {type:"date"}
expr = [1, 2] #@param {type:"raw"}
color = "red" #@param ["red", "green"]
size = "S" #@param ["S", "M"] {allow-input: true}
print(name, count, rate, level, flag, day, expr, color, size)"""


def form(page: Page, n: int = 1):
    return cell(page, n).get_by_role("form")


def open_form_notebook(hub: Hub, page: Page, make_user, source: str) -> tuple[str, str]:
    user = make_user("fay")
    item_id = upload_notebook(hub, user, "form.ipynb", notebook_json(("code", source)))
    sign_in(page, hub, user)
    open_notebook(page, hub, item_id)
    return user, item_id


def test_every_field_type_renders_and_rewrites_its_value_in_the_code(hub: Hub, page: Page, make_user):
    user, item_id = open_form_notebook(hub, page, make_user, EVERY_FIELD)
    f = form(page)
    expect(f.get_by_role("heading", name="Settings")).to_be_visible()

    f.get_by_role("textbox", name="name").fill("Grace")
    expect(code(page, 1)).to_contain_text('name = "Grace" #@param {type:"string"}')
    f.get_by_role("spinbutton", name="count").fill("7")
    expect(code(page, 1)).to_contain_text("count = 7 #@param")
    f.get_by_role("spinbutton", name="rate").fill("2.25")
    expect(code(page, 1)).to_contain_text("rate = 2.25 #@param")
    f.get_by_role("slider", name="level").focus()
    page.keyboard.press("ArrowRight")
    expect(code(page, 1)).to_contain_text("level = 6 #@param")
    f.get_by_role("checkbox", name="flag").check()
    expect(code(page, 1)).to_contain_text("flag = True #@param")
    f.get_by_label("day").fill("2025-12-31")
    expect(code(page, 1)).to_contain_text('day = "2025-12-31" #@param')
    f.get_by_role("textbox", name="expr").fill("{'a': 1}")
    expect(code(page, 1)).to_contain_text("expr = {'a': 1} #@param")
    f.get_by_role("combobox", name="color").select_option("green")
    expect(code(page, 1)).to_contain_text('color = "green" #@param ["red", "green"]')
    f.get_by_role("combobox", name="size").fill("XL")
    expect(code(page, 1)).to_contain_text('size = "XL" #@param ["S", "M"] {allow-input: true}')

    # The values the form wrote are the ones the code runs with.
    code(page, 1).click()
    page.keyboard.press("Control+Enter")
    expect(output(page, 1)).to_have_text("Grace 7 2.25 6 True 2025-12-31 {'a': 1} green XL", timeout=RUN_TIMEOUT)

    # Saved as Colab saves it: the code with the new values and the cell marked as a form.
    def saved() -> bool:
        with closing(hub.signed_in(user)) as client:
            nb = client.get(f"/api/drive/items/{item_id}/content").json()
        first = nb["cells"][0]
        return first["metadata"].get("cellView") == "form" and 'name = "Grace"' in "".join(first["source"])

    eventually(saved)


def test_editing_the_code_updates_the_form(hub: Hub, page: Page, make_user):
    open_form_notebook(hub, page, make_user, 'count = 3 #@param {type:"integer"}\nprint(count)')
    expect(form(page).get_by_role("spinbutton", name="count")).to_have_value("3")
    type_code(page, 1, 'count = 42 #@param {type:"integer"}\nprint(count)')
    expect(form(page).get_by_role("spinbutton", name="count")).to_have_value("42")


def test_a_slider_with_run_auto_reruns_the_cell_when_moved(hub: Hub, page: Page, make_user):
    source = '#@title Auto { run: "auto" }\nvalue = 3 #@param {type:"slider", min:0, max:10, step:1}\nprint("value is", value)'
    open_form_notebook(hub, page, make_user, source)
    slider = form(page).get_by_role("slider", name="value")
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(output(page, 1)).to_have_text("value is 4", timeout=RUN_TIMEOUT)
    page.keyboard.press("ArrowRight")
    expect(output(page, 1)).to_have_text("value is 5", timeout=RUN_TIMEOUT)


def test_display_mode_form_hides_the_code_behind_show_code(hub: Hub, page: Page, make_user):
    source = '#@title Hidden { display-mode: "form" }\nsecret_sauce = "x" #@param {type:"string"}'
    open_form_notebook(hub, page, make_user, source)
    expect(form(page).get_by_role("textbox", name="secret_sauce")).to_have_value("x")
    expect(code(page, 1)).to_have_count(0)
    cell(page, 1).get_by_role("button", name="Show code").click()
    expect(code(page, 1)).to_contain_text("secret_sauce")
    cell(page, 1).get_by_role("button", name="Hide code").click()
    expect(code(page, 1)).to_have_count(0)
