"""Signed Message-IDs and reply tokens: our own mail is recognised, forgeries are not (MAIL.md)."""

from mailgateway import identity


def test_a_message_id_we_made_names_its_ticket(settings):
    settings.HELPDESK_MAIL_DOMAIN = "help.example.com"
    message_id = identity.message_id_new(1042)
    assert message_id.startswith("<hd.1042.") and message_id.endswith("@help.example.com>")
    assert identity.message_id_ticket(message_id) == 1042
    assert identity.message_id_ticket(message_id.strip("<>").upper()) == 1042


def test_message_ids_are_unique():
    assert identity.message_id_new(7) != identity.message_id_new(7)


def test_a_forged_or_foreign_message_id_names_nothing():
    genuine = identity.message_id_new(1042)
    forged = genuine.replace("hd.1042.", "hd.1043.")
    for value in (forged, "<CAF=abc@mail.gmail.com>", "", "<hd.1.2.3@x>", None):
        assert identity.message_id_ticket(value) is None


def test_a_message_id_signed_with_another_key_is_not_ours(settings):
    genuine = identity.message_id_new(5)
    settings.SECRET_KEY = "another installation " * 3
    assert identity.message_id_ticket(genuine) is None


def test_reply_address_carries_a_signed_token_that_survives_case_folding():
    address = identity.reply_address("support@hosting.example", 1042)
    assert address.startswith("support+t1042-") and address.endswith("@hosting.example")
    assert identity.reply_token_ticket(address) == 1042
    assert identity.reply_token_ticket(address.upper()) == 1042


def test_a_tampered_or_missing_reply_token_names_nothing():
    address = identity.reply_address("support@hosting.example", 1042)
    for value in (
        address.replace("t1042", "t1043"),
        "support@hosting.example",
        "support+sales@hosting.example",
        "support+t1042-zz@hosting.example",
        "",
    ):
        assert identity.reply_token_ticket(value) is None


def test_the_instance_id_is_stable():
    assert identity.instance_id() == identity.instance_id()
    assert len(identity.instance_id()) == 12
