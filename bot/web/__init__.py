"""Flask blueprints: webhooks, the simulator, admin, public verify pages, health."""
