"""Channel senders: deliver ``DeliveryJob``s from ``bin.outbox.<channel>.v1`` and publish
``DeliveryOutcome``s to ``bin.deliveries.v1`` (one receiver module per channel, one worker)."""
