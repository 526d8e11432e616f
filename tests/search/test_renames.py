"""The index follows renamed people, organizations and services (issue 9, R18): renaming
publishes no ticket event, so the search app rewrites the documents of the tickets that
name them, after the commit, in batches (tickets/search/people.py)."""

import pytest
from django.test import TestCase

from accounts import services as account_services
from tests.factories import CustomerFactory, OrganizationFactory, ServiceFactory, open_ticket
from tests.helpers import committed
from tickets import services
from tickets.search import people

pytestmark = pytest.mark.django_db


def test_a_customer_who_changes_his_name_is_found_by_the_new_one(
    found, agent, customer, department
):
    ticket = open_ticket(customer, department)
    with committed():
        account_services.user_preferences_set(
            actor=customer, name="Пётр Сидоренко", language="ru", time_zone="Europe/Moscow"
        )
    assert found(agent, "сидоренко") == {ticket.number}
    assert found(agent, "from:петр") == {ticket.number}, "the requester column too"
    assert found(agent, "Иван") == set(), "the old name is gone"


def test_a_changed_address_is_found(found, agent, customer, department):
    ticket = open_ticket(customer, department)
    customer.email = "new.address@romashka.example"
    with committed():
        customer.save()
    assert found(agent, "new.address") == {ticket.number}


def test_a_renamed_participant_is_found(found, agent, customer, department):
    ticket = open_ticket(customer, department)
    colleague = CustomerFactory(name="Ольга", email="olga@romashka.example")
    services.participants_add(actor=agent, ticket=ticket, users=[colleague])
    colleague.name = "Ольга Кравчук"
    with committed():
        colleague.save()
    assert found(agent, "кравчук") == {ticket.number}


def test_a_renamed_organization_and_service_are_found(found, agent, customer, department):
    organization = OrganizationFactory(name="Ромашка")
    service = ServiceFactory(name="VPS cs1234", customer=customer)
    ticket = open_ticket(customer, department)
    ticket.organization, ticket.service = organization, service
    ticket.save(update_fields=["organization", "service"])
    organization.name = "Лютик"
    service.name = "Dedicated ds777"
    with committed():
        organization.save()
        service.save()
    assert found(agent, "лютик") == {ticket.number}
    assert found(agent, "ds777") == {ticket.number}
    assert found(agent, "cs1234") == set()


def test_the_customer_finds_his_ticket_by_his_new_name_and_others_still_do_not(
    found, customer, other_customer, department
):
    ticket = open_ticket(customer, department, subject="Ошибка 500")
    customer.name = "Zephyrine"
    with committed():
        customer.save()
    assert found(customer, "Zephyrine") == {ticket.number}
    assert found(other_customer, "Zephyrine") == set()


@pytest.mark.parametrize(
    "change",
    [
        lambda user: user.save(update_fields=["last_login"]),  # every sign-in
        lambda user: user.save(),  # saved unchanged (the admin's save button)
        lambda user: setattr(user, "language", "de") or user.save(),  # not searched
    ],
)
def test_saves_that_change_no_searched_field_queue_nothing(customer, department, change):
    open_ticket(customer, department)
    with TestCase.captureOnCommitCallbacks() as callbacks:
        change(customer)
    assert callbacks == []


def test_a_new_account_queues_nothing():
    with TestCase.captureOnCommitCallbacks() as callbacks:
        CustomerFactory(name="Новый")
        OrganizationFactory(name="Новая")
    assert callbacks == []


def test_the_task_rewrites_every_batch(found, agent, customer, department):
    tickets = {open_ticket(customer, department, subject=f"Заявка {n}").number for n in range(5)}
    type(customer).objects.filter(pk=customer.pk).update(name="Аристарх")  # no signal
    assert found(agent, "аристарх") == set()
    people.reindex_named("user", customer.pk, 0, 2)
    assert found(agent, "аристарх") == tickets


def test_an_unknown_kind_or_a_deleted_row_reindexes_nothing(customer):
    assert people.reindex_named("printer", 1) == 0
    assert people.reindex_named("user", 999_999) == 0
