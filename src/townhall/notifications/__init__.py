"""Messages to residents and staff (email by SMTP or GOV.UK Notify; later webhooks), written to an
outbox in the transaction that causes them and sent by background tasks with retries."""
