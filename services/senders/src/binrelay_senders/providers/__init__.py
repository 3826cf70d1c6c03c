"""The providers: one module per way of delivering a channel, each defining ``PROVIDER``
(registered in :data:`binrelay_senders.registry.PROVIDERS`)."""
