def test_home_page_in_arabic_is_right_to_left(page, live_server, screenshot):
    page.set_extra_http_headers({"Accept-Language": "ar"})
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    screenshot("home-ar-smoke")
