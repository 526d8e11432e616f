"""Canned responses (R15): ready answers an agent inserts into a reply and edits.

Personal, per department or for everyone; in folders; with translated variants (the
customer's language is chosen automatically), attachments, and a fixed set of
placeholders (tickets.canned.placeholders) that are filled in as plain values, never run
as template code. Who manages which: tickets.canned.access.
"""
