"""The web chat in a real headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import os
import shutil

import pytest

from orienta.i18n import get_translator

from .conftest import Stack

pytestmark = pytest.mark.slow
# The pages' Content-Security-Policy allows no eval: the tests wait with locators and
# expect(), which Playwright runs outside the page, never with JavaScript strings.

CHROMIUM = os.environ.get("ORIENTA_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking"],
        )  # fmt: skip
        yield browser
        browser.close()


def test_an_arabic_question_is_answered_right_to_left(stack: Stack, browser) -> None:
    page = browser.new_page(locale="ar")
    page.goto(f"{stack.web_url}/")
    page.locator("html[dir='rtl']").wait_for(state="attached")
    t = get_translator("ar")
    assert page.locator("#send").inner_text() == t("web.send")
    assert page.locator("#language").input_value() == "ar"

    # keyboard only: the question box has the focus; Enter sends
    page.keyboard.type("كيف أجدد تصريح الإقامة؟")
    page.keyboard.press("Enter")
    answer = page.locator(".message.bot").first
    answer.wait_for(timeout=60_000)
    assert answer.get_attribute("dir") == "rtl" and answer.get_attribute("lang") == "ar"
    from playwright.sync_api import expect

    expect(answer).to_have_css("direction", "rtl")
    assert "Questura" in answer.inner_text() or "الإقامة" in answer.inner_text()
    # in a right-to-left page, the assistant's bubbles sit on the right
    box, log = answer.bounding_box(), page.locator("#log").bounding_box()
    assert box and log and box["x"] + box["width"] > log["x"] + log["width"] * 0.9

    # "Where do I go?" can be reached and pressed with the keyboard: an office, drawn as a card
    assert page.locator(".message.card").count() == 0  # the first reply fits one screen
    where = page.get_by_role("button", name=t("button.where")).first
    where.focus()
    page.keyboard.press("Enter")
    card = page.locator(".message.card").first
    card.wait_for(timeout=30_000)
    assert card.get_attribute("role") == "article"
    page.close()


def test_the_language_selector_switches_interface_and_answers(stack: Stack, browser) -> None:
    page = browser.new_page(locale="ar")
    page.goto(f"{stack.web_url}/")
    page.locator("html[dir='rtl']").wait_for(state="attached")
    page.locator("#language").select_option("en")
    page.locator("html[dir='ltr']").wait_for(state="attached")
    done = page.locator(".message.bot").last
    done.wait_for(timeout=60_000)
    t = get_translator("en")
    # (a locator, not a JavaScript predicate: the page's CSP allows no eval, for tests too)
    page.locator(".message.bot", has_text=t("change_language.done")).first.wait_for()
    assert page.locator("#send").inner_text() == t("web.send")
    page.close()


def test_staff_answer_from_the_staff_page_and_the_user_sees_it(stack: Stack, browser) -> None:
    chat = browser.new_page(locale="it")
    chat.goto(f"{stack.web_url}/")
    chat.locator("html[lang='it']").wait_for(state="attached")
    chat.keyboard.type("Voglio parlare con una persona")
    chat.keyboard.press("Enter")
    t = get_translator("it")
    chat.get_by_text(t("web.staff_waiting")).wait_for(timeout=60_000)

    staff = browser.new_page(locale="it")
    staff.goto(f"{stack.web_url}/staff")
    request = staff.locator("section.handoff").filter(has_text="Voglio parlare con una persona")
    request.last.wait_for(timeout=30_000)
    box = request.last.locator("textarea")
    box.fill("Buongiorno, sono Marco del Cinformi.")
    request.last.get_by_role("button", name=t("staff.send")).click()

    expected = t("handoff.staff_message", text="Buongiorno, sono Marco del Cinformi.")
    chat.locator(".message.staff", has_text=expected).wait_for(timeout=30_000)
    staff.close()
    chat.close()


def test_questions_typed_quickly_are_all_answered_in_order(stack: Stack, browser) -> None:
    page = browser.new_page(locale="it")
    page.goto(f"{stack.web_url}/")
    page.locator("html[lang='it']").wait_for(state="attached")
    for text in ("Buongiorno", "Grazie mille"):
        page.keyboard.type(text)
        page.keyboard.press("Enter")
    t = get_translator("it")
    page.locator(".message.bot", has_text=t("thanks")).first.wait_for()
    answers = page.locator(".message.bot").all_inner_texts()
    assert answers == [t("greet"), t("thanks")]
    assert page.locator(".message.user").all_inner_texts() == ["Buongiorno", "Grazie mille"]
    page.close()


EVIL_PAGE = """<!doctype html><title>working</title><form id="f" method="post"
action="{target}/api/staff/handoffs/{id}/reply" enctype="text/plain" target="sink">
<input name='{{"text": "send your passport scan to evil@example.org", "x": "' value='"}}'>
</form><iframe name="sink"></iframe><script>
(async () => {{
  const close = "{target}/api/staff/handoffs/{id}/close";
  await fetch(close, {{method: "POST", mode: "no-cors", body: "{{}}"}}).catch(() => null);
  await fetch(close, {{method: "POST", mode: "no-cors", headers: {{"Content-Type": "text/plain"}},
                      body: "{{}}"}}).catch(() => null);
  await fetch(close, {{method: "POST", headers: {{"Content-Type": "application/json"}},
                      body: "{{}}"}}).catch(() => null);
  document.getElementById("f").submit();
  setTimeout(() => {{ document.title = "done"; }}, 0);
}})();
</script>"""


def test_a_page_on_another_site_cannot_drive_the_staff_api(stack: Stack, browser) -> None:
    """CSRF, in a real browser: another origin's page tries every way to close a handoff and
    to send a staff reply; the handoff stays open and no reply is sent."""
    import http.server
    import threading

    import httpx
    from playwright.sync_api import expect

    from .conftest import free_port

    session = "csrfvictim01"
    ask = {"session": session, "payload": "/human_handoff", "language": "en"}
    turn = httpx.post(f"{stack.web_url}/api/message", json=ask).json()
    handoff_id = turn["handoff"]
    page_html = EVIL_PAGE.format(target=stack.web_url, id=handoff_id).encode()

    class Evil(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page_html)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Evil)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        expect(page).to_have_title("done", timeout=30_000)
        page.wait_for_load_state("networkidle")  # the form's navigation has come back
    finally:
        page.close()
        server.shutdown()
    queue = httpx.get(f"{stack.web_url}/api/staff/handoffs").json()["handoffs"]
    mine = next((h for h in queue if h["id"] == handoff_id), None)
    assert mine is not None, "the other site closed the handoff"
    assert all(line["sender"] != "staff" for line in mine["transcript"])
