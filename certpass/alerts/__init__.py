"""certpass.alerts: webhook subscriptions to certificate status changes, and their delivery."""
