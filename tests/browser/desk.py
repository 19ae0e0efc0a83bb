"""Helpers for the editors' desk journeys: log in as the editor, screenshot a page."""

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "geheim-wachtwoord-123"


def log_in(page, live_server, path: str, username: str = "eva") -> None:
    """Log in through the admin's login form and land on `path`."""
    page.goto(f"{live_server.url}/admin/login/?next={path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{path}")


def shoot(page, name: str, widths=(1280, 360)) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
