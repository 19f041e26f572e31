"""Static files are fingerprinted and cached for a year; pages and assets travel compressed."""

import re


def _asset_urls(client) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', client.get("/").get_data(as_text=True))


def test_layout_links_fingerprinted_assets_cached_for_a_year(client):
    urls = _asset_urls(client)
    assert {url.split("?")[0] for url in urls} == {"/static/css/jiwar.css", "/static/js/htmx-2.0.11.min.js"}
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url)
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        response.close()


def test_an_unfingerprinted_or_stale_asset_url_is_not_cached_for_long(client):
    for url in ("/static/css/jiwar.css", "/static/css/jiwar.css?v=000000000000"):
        response = client.get(url)
        assert "immutable" not in response.headers.get("Cache-Control", "")
        response.close()


def test_pages_and_assets_are_compressed_for_browsers_that_accept_it(client):
    page = client.get("/sign-in", headers={"Accept-Encoding": "br, gzip"})
    assert page.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in page.headers["Vary"]
    public = client.get("/", headers={"Accept-Encoding": "br, gzip"})
    assert public.headers["Content-Encoding"] == "br" and "Accept-Encoding" in public.headers["Vary"]
    assert public.headers["ETag"].endswith(':br"')  # the compressed bytes' own validator
    css = client.get(_asset_urls(client)[0], headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    css.close()
    assert "Content-Encoding" not in client.get("/").headers  # a client that did not ask
