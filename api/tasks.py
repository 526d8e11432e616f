from celery import shared_task

from api import webhooks


@shared_task(name="api.deliver_webhook", bind=True)
def deliver_webhook(self, delivery_id: int) -> None:
    """One try of one webhook delivery; the next is queued with back-off (30 s doubling,
    at most an hour) until WEBHOOK_ATTEMPTS tries are spent."""
    if not webhooks.delivery_attempt(delivery_id):
        attempts = webhooks.WebhookDelivery.objects.get(pk=delivery_id).attempts
        deliver_webhook.apply_async((delivery_id,), countdown=webhooks.backoff(attempts))


@shared_task(name="api.requeue_webhook_deliveries")
def requeue_webhook_deliveries() -> int:
    """Queues again the webhook deliveries whose task was lost (beat, every ten minutes)."""
    return webhooks.deliveries_requeue()
