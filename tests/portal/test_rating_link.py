"""The signed link of the solved-ticket mail reaches the rating page without sign-in (W4)."""

import pytest

from tests.factories import open_ticket
from tickets import services
from tickets.models import EventVerb, Rating, Status
from tickets.rating_links import rating_token, rating_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def solved(customer, agent, department):
    ticket = open_ticket(customer, department, subject="Почта не уходит")
    services.reply_add(actor=agent, ticket=ticket, body_text="Починили.", status=Status.SOLVED)
    return ticket


def path(url: str) -> str:
    return url.replace("http://127.0.0.1:8000", "")


def test_the_url_is_absolute_and_names_one_ticket(solved, settings):
    url = rating_url(solved, score="good")
    assert url.startswith(settings.SITE_URL + "/tickets/rating/")
    assert url.endswith("?score=good") and rating_token(solved) in url
    assert "?score" not in rating_url(solved, score="nonsense")


def test_anyone_with_the_link_rates_without_signing_in(client, customer, solved):
    url = path(rating_url(solved, score="bad"))
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Почта не уходит" in html
    assert 'value="bad" id="id_score_1" required checked' in html, "?score= preselects"
    assert 'value="good" id="id_score_0" required>' in html
    assert page.headers["Content-Language"] == customer.language, "the customer's language"
    response = client.post(url.split("?")[0], {"score": "bad", "comment": "Опять не уходит"})
    assert response.status_code == 302
    rating = Rating.objects.get(ticket=solved)
    assert rating.author == customer and rating.comment == "Опять не уходит"
    assert solved.events.get(verb=EventVerb.RATED).after["via"] == "link"


def test_a_forged_or_foreign_token_is_a_404(client, customer, department, solved):
    other = open_ticket(customer, department)
    token = rating_token(solved)
    number, signature = token.split(":", 1)
    assert client.get(f"/tickets/rating/{other.number}:{signature}/").status_code == 404
    assert client.get(f"/tickets/rating/{number}:forged/").status_code == 404
    assert client.post(f"/tickets/rating/{number}x/", {"score": "good"}).status_code == 404
    assert not Rating.objects.exists()


def test_the_link_cannot_change_a_closed_tickets_rating(client, customer, solved):
    services.rating_set(actor=customer, ticket=solved, score="good")
    services.ticket_close(actor=customer, ticket=solved)
    url = path(rating_url(solved))
    page = client.get(url).content.decode()
    assert 'name="score"' not in page and "rated-good" in page
    client.post(url, {"score": "bad"})
    assert Rating.objects.get().score == "good"


def test_the_link_page_does_not_show_the_conversation(client, solved):
    page = client.get(path(rating_url(solved))).content.decode()
    assert "Починили." not in page
