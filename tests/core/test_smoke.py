def test_home_page_is_french_without_a_language_preference(client):
    response = client.get("/", headers={"Accept-Language": ""})
    assert response.status_code == 200
    assert b'<html lang="fr" dir="ltr">' in response.data


def test_home_page_follows_browser_language_arabic(client):
    response = client.get("/ar/")
    assert b'<html lang="ar" dir="rtl">' in response.data


def test_test_client_reads_english_by_default(client):
    assert b'<html lang="en" dir="ltr">' in client.get("/").data
