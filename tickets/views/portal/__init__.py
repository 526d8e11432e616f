"""The customer's personal account: his tickets, new tickets, replies, ratings (P1-P5, W4)."""
