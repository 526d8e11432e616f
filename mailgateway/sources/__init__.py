"""Where mail comes from: IMAP and POP3 mailboxes, the SMTP/LMTP listener, the pipe command
and the providers' webhooks. I/O only: each hands raw bytes to `store.inbound_store()` and
acknowledges its source only once they are committed (MAIL.md no-loss rule 1)."""
