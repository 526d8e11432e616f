"""The customer rates the answer once the ticket is solved; changes until it is closed (W4)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.errors import ActionNotAllowed, NotPermitted
from tests.factories import AgentFactory, CustomerFactory, open_ticket
from tickets import services
from tickets.models import EventVerb, Rating, RatingScore, Status, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def solved(customer, agent, department):
    ticket = open_ticket(customer, department, subject="Сайт лежит")
    services.reply_add(actor=agent, ticket=ticket, body_text="Подняли.", status=Status.SOLVED)
    return ticket


def rate(client, ticket, score="good", comment=""):
    return client.post(f"/tickets/{ticket.number}/rating/", {"score": score, "comment": comment})


def test_a_solved_ticket_is_rated_and_the_agent_is_recorded(client, customer, agent, solved):
    client.force_login(customer)
    page = client.get(f"/tickets/{solved.number}/").content.decode()
    assert 'id="rating"' in page and 'name="score"' in page
    response = rate(client, solved, comment="Быстро и понятно")
    assert response["Location"] == f"/tickets/{solved.number}/#rating"
    rating = Rating.objects.get(ticket=solved)
    assert (rating.score, rating.comment) == (RatingScore.GOOD, "Быстро и понятно")
    assert rating.author == customer and rating.agent == agent
    event = solved.events.get(verb=EventVerb.RATED)
    assert event.actor == customer
    assert event.after == {"score": "good", "comment": "Быстро и понятно", "via": "portal"}


def test_the_rating_can_be_changed_until_the_ticket_is_closed(customer, solved):
    services.rating_set(actor=customer, ticket=solved, score="good")
    services.rating_set(actor=customer, ticket=solved, score="bad", comment="Снова упал")
    rating = Rating.objects.get()
    assert rating.score == "bad"
    change = solved.events.filter(verb=EventVerb.RATED).last()
    assert change.before == {"score": "good", "comment": ""}
    services.ticket_close(actor=customer, ticket=solved)
    with pytest.raises(ActionNotAllowed):
        services.rating_set(actor=customer, ticket=solved, score="good")
    assert Rating.objects.get().score == "bad"


def test_the_same_rating_twice_writes_no_second_event(customer, solved):
    services.rating_set(actor=customer, ticket=solved, score="good")
    services.rating_set(actor=customer, ticket=solved, score="good")
    assert solved.events.filter(verb=EventVerb.RATED).count() == 1


def test_a_ticket_closed_without_rating_still_gets_its_first_rating(customer, solved, settings):
    services.ticket_close(actor=customer, ticket=solved)
    services.rating_set(actor=customer, ticket=solved, score="good")
    assert Rating.objects.filter(ticket=solved).exists()


def test_a_ticket_closed_long_ago_cannot_be_rated(customer, solved, settings):
    services.ticket_close(actor=customer, ticket=solved)
    Ticket.objects.filter(pk=solved.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.TICKET_REOPEN_DAYS + 1)
    )
    solved.refresh_from_db()
    with pytest.raises(ActionNotAllowed):
        services.rating_set(actor=customer, ticket=solved, score="good")


def test_an_unanswered_or_open_ticket_cannot_be_rated(client, customer, agent, department):
    new = open_ticket(customer, department)
    with pytest.raises(ActionNotAllowed):
        services.rating_set(actor=customer, ticket=new, score="good")
    answered = open_ticket(customer, department)
    services.reply_add(actor=agent, ticket=answered, body_text="Looking into it")
    with pytest.raises(ActionNotAllowed):
        services.rating_set(actor=customer, ticket=answered, score="good")
    client.force_login(customer)
    assert 'id="rating"' not in client.get(f"/tickets/{answered.number}/").content.decode()
    rate(client, answered)
    assert not Rating.objects.exists()


def test_only_good_or_bad(customer, solved):
    with pytest.raises(ActionNotAllowed):
        services.rating_set(actor=customer, ticket=solved, score="meh")


def test_agents_and_strangers_cannot_rate(customer, agent, other_customer, solved):
    with pytest.raises(NotPermitted):
        services.rating_set(actor=agent, ticket=solved, score="good")
    with pytest.raises(NotPermitted):
        services.rating_set(actor=other_customer, ticket=solved, score="bad")
    assert not Rating.objects.exists()


def test_another_customer_gets_404_on_the_rating_page(client, other_customer, solved):
    client.force_login(other_customer)
    assert client.get(f"/tickets/{solved.number}/rating/").status_code == 404
    assert rate(client, solved).status_code == 404
    assert not Rating.objects.exists()


def test_an_organization_colleague_with_sharing_may_rate(organization, department, agent):
    owner = CustomerFactory(organization=organization)
    colleague = CustomerFactory(organization=organization)
    ticket = open_ticket(owner, department)
    services.reply_add(actor=agent, ticket=ticket, body_text="Done", status=Status.SOLVED)
    services.rating_set(actor=colleague, ticket=ticket, score="good")
    assert Rating.objects.get().author == colleague


def test_the_rated_agent_is_the_author_of_the_last_reply(customer, department, agent, solved):
    second = AgentFactory(name="Second Agent", departments=[department])
    services.reply_add(actor=second, ticket=solved, body_text="One more thing.")
    rating = services.rating_set(actor=customer, ticket=solved, score="good")
    assert rating.agent == second


def test_after_closing_the_page_shows_the_rating_without_a_form(client, customer, solved):
    services.rating_set(actor=customer, ticket=solved, score="bad", comment="Долго")
    services.ticket_close(actor=customer, ticket=solved)
    client.force_login(customer)
    page = client.get(f"/tickets/{solved.number}/").content.decode()
    assert "rated-bad" in page and "Долго" in page and 'name="score"' not in page
